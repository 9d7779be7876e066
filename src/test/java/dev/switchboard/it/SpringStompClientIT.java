package dev.switchboard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.security.PasswordHashes;
import dev.switchboard.testing.Deployments;
import java.lang.reflect.Type;
import java.net.URI;
import java.net.URL;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.messaging.converter.StringMessageConverter;
import org.springframework.messaging.simp.stomp.StompFrameHandler;
import org.springframework.messaging.simp.stomp.StompHeaders;
import org.springframework.messaging.simp.stomp.StompSession;
import org.springframework.messaging.simp.stomp.StompSessionHandlerAdapter;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import org.springframework.web.socket.WebSocketHttpHeaders;
import org.springframework.web.socket.client.standard.StandardWebSocketClient;
import org.springframework.web.socket.messaging.WebSocketStompClient;

/**
 * Spring's {@code WebSocketStompClient} (a STOMP client nobody here wrote) against the real
 * endpoint: connect with credentials, heart-beats, subscribe and send with receipts, ack/nack,
 * user destinations, the echo handler. Spring's client has no BEGIN/COMMIT API; transactions are
 * covered by the stompjs test and the protocol test.
 */
@ExtendWith(ArquillianExtension.class)
class SpringStompClientIT {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.switchboard("spring", Map.of("switchboard.stomp.users", "carol:" + PasswordHashes.hash("secret"),
                "switchboard.stomp.heartbeat", "200ms,200ms"));
    }

    @ArquillianResource
    URL base;

    private ThreadPoolTaskScheduler scheduler;
    private WebSocketStompClient client;

    @BeforeEach
    void client() {
        scheduler = new ThreadPoolTaskScheduler();
        scheduler.setPoolSize(2);
        scheduler.setThreadNamePrefix("spring-stomp-client-");
        scheduler.initialize();
        client = new WebSocketStompClient(new StandardWebSocketClient());
        client.setMessageConverter(new StringMessageConverter() {
            @Override
            protected boolean supportsMimeType(org.springframework.messaging.MessageHeaders headers) {
                return true; // read JSON bodies as text too
            }
        });
        client.setTaskScheduler(scheduler);
        client.setDefaultHeartbeat(new long[] {200, 200});
    }

    @AfterEach
    void stop() {
        client.stop();
        scheduler.shutdown();
    }

    private StompSession connect(String login, String passcode) throws Exception {
        StompHeaders connect = new StompHeaders();
        if (login != null) {
            connect.setLogin(login);
            connect.setPasscode(passcode);
        }
        CompletableFuture<StompSession> session = client.connectAsync(
                URI.create(base.toString().replaceFirst("^http", "ws") + "stomp"), new WebSocketHttpHeaders(), connect,
                new StompSessionHandlerAdapter() { });
        StompSession s = session.get(10, TimeUnit.SECONDS);
        s.setAutoReceipt(true);
        return s;
    }

    /** Collects what a subscription receives. */
    static final class Inbox implements StompFrameHandler {
        final BlockingQueue<Object[]> received = new LinkedBlockingQueue<>();

        @Override
        public Type getPayloadType(StompHeaders headers) {
            return String.class;
        }

        @Override
        public void handleFrame(StompHeaders headers, Object payload) {
            received.add(new Object[] {headers, payload});
        }

        Object[] next() throws InterruptedException {
            Object[] next = received.poll(10, TimeUnit.SECONDS);
            assertNotNull(next, "nothing received within 10 s");
            return next;
        }
    }

    private static void await(StompSession.Receiptable receiptable) throws Exception {
        CompletableFuture<Void> receipt = new CompletableFuture<>();
        receiptable.addReceiptTask(() -> receipt.complete(null));
        receiptable.addReceiptLostTask(() -> receipt.completeExceptionally(new AssertionError("receipt lost")));
        receipt.get(10, TimeUnit.SECONDS);
    }

    @Test
    void subscribeSendAndReceiveWithReceipts() throws Exception {
        StompSession subscriber = connect(null, null);
        StompSession publisher = connect(null, null);
        Inbox inbox = new Inbox();
        await(subscriber.subscribe("/topic/spring", inbox));
        StompHeaders send = new StompHeaders();
        send.setDestination("/topic/spring");
        send.set("x-custom", "kept");
        await(publisher.send(send, "from spring"));
        Object[] got = inbox.next();
        assertEquals("from spring", got[1]);
        assertEquals("kept", ((StompHeaders) got[0]).getFirst("x-custom"));
        subscriber.disconnect();
        publisher.disconnect();
    }

    @Test
    void credentialsGiveAUserWhoseDestinationsWork() throws Exception {
        StompSession carol = connect("carol", "secret");
        StompSession other = connect(null, null);
        Inbox inbox = new Inbox();
        await(carol.subscribe("/user/queue/notes", inbox));
        await(other.send("/user/carol/queue/notes", "for carol"));
        assertEquals("for carol", inbox.next()[1]);
        carol.disconnect();
        other.disconnect();
    }

    @Test
    void wrongCredentialsFailTheConnect() throws Exception {
        long before = Stats.number(Http.get(URI.create(base + "stats")).body(), "authFailures");
        CompletableFuture<String> error = new CompletableFuture<>();
        StompHeaders connect = new StompHeaders();
        connect.setLogin("carol");
        connect.setPasscode("nope");
        CompletableFuture<StompSession> session = client.connectAsync(
                URI.create(base.toString().replaceFirst("^http", "ws") + "stomp"), new WebSocketHttpHeaders(), connect,
                new StompSessionHandlerAdapter() {
                    @Override
                    public void handleFrame(StompHeaders headers, Object payload) {
                        error.complete(headers.getFirst("message")); // the ERROR frame
                    }

                    @Override
                    public void handleTransportError(StompSession s, Throwable exception) {
                        error.complete("transport closed: " + exception);
                    }
                });
        assertEquals("authentication failed", error.get(10, TimeUnit.SECONDS));
        assertTrue(!session.isDone() || session.isCompletedExceptionally(), "no session was established");
        assertEquals(before + 1, Stats.number(Http.get(URI.create(base + "stats")).body(), "authFailures"));
    }

    @Test
    void nackRedeliversAndAckSettles() throws Exception {
        StompSession consumer = connect(null, null);
        StompSession producer = connect(null, null);
        Inbox inbox = new Inbox();
        StompHeaders sub = new StompHeaders();
        sub.setDestination("/queue/spring-acks");
        sub.setAck("client-individual");
        await(consumer.subscribe(sub, inbox));
        await(producer.send("/queue/spring-acks", "work"));
        StompHeaders first = (StompHeaders) inbox.next()[0];
        assertNull(first.getFirst("redelivered"));
        await(consumer.acknowledge(first.getAck(), false)); // NACK
        StompHeaders again = (StompHeaders) inbox.next()[0];
        assertEquals("true", again.getFirst("redelivered"));
        await(consumer.acknowledge(again.getAck(), true)); // ACK
        String stats = Http.get(URI.create(base + "stats")).body();
        assertEquals(0, Stats.number(stats, "queueMessagesUnacked"), stats);
        consumer.disconnect();
        producer.disconnect();
    }

    @Test
    void heartBeatsKeepAnIdleSessionAlive() throws Exception {
        long before = Stats.number(Http.get(URI.create(base + "stats")).body(), "heartbeatsIn");
        StompSession idle = connect(null, null);
        // several intervals with no frames either way: the client's heart-beats are all that arrives
        dev.switchboard.testing.Await.until("heart-beats both ways", java.time.Duration.ofSeconds(10), () -> {
            String during = Http.get(URI.create(base + "stats")).body();
            return Stats.number(during, "heartbeatsIn") > before + 3 && Stats.number(during, "heartbeatsOut") > 3;
        });
        assertTrue(idle.isConnected());
        Inbox inbox = new Inbox();
        await(idle.subscribe("/topic/after-idle", inbox));
        await(idle.send("/topic/after-idle", "still here"));
        assertEquals("still here", inbox.next()[1]);
        String stats = Http.get(URI.create(base + "stats")).body();
        assertTrue(Stats.number(stats, "heartbeatsIn") > before + 3, stats);
        assertTrue(Stats.number(stats, "heartbeatsOut") > 3, stats);
        idle.disconnect();
    }

    @Test
    void theEchoHandlerAnswersOnTopicMessages() throws Exception {
        StompSession s = connect(null, null);
        Inbox inbox = new Inbox();
        await(s.subscribe("/topic/messages", inbox));
        await(s.send("/app/echo", "spring says hi"));
        String json = (String) inbox.next()[1];
        assertTrue(json.startsWith("{\"message\":\"spring says hi\",\"timestamp\":\""), json);
        s.disconnect();
    }
}
