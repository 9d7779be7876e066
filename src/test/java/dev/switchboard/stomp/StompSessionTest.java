package dev.switchboard.stomp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.broker.Broker;
import dev.switchboard.security.AddressRates;
import dev.switchboard.security.InboundRate;
import dev.switchboard.security.PasswordAuthenticator;
import dev.switchboard.security.RateLimit;
import dev.switchboard.session.Connection;
import dev.switchboard.session.MemoryBudget;
import dev.switchboard.testing.Await;
import dev.switchboard.testing.CollectingSink;
import dev.switchboard.testing.RecordingConnection;
import jakarta.json.bind.JsonbBuilder;
import jakarta.websocket.CloseReason;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The STOMP state machine through its seams: frames in as WebSocket message parts, frames out
 * through a {@link Connection} that keeps what it is given, with the real broker, codec and
 * limits behind it.
 */
class StompSessionTest {

    private final ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1);
    private final MemoryBudget budget = new MemoryBudget(new MemoryBudget.Limits(1 << 28, 1 << 27, 1 << 26, 1000));
    private final Broker broker = new Broker(new Broker.Limits(100, 100, 8), budget);
    private final StompServer.Limits limits = new StompServer.Limits(StompDecoder.Limits.DEFAULT, 4096,
            Duration.ofSeconds(10), 10, 5,
            new InboundRate.Limits(RateLimit.NONE, RateLimit.NONE, new AddressRates(RateLimit.NONE)));
    private final StompServer server = new StompServer(limits, Duration.ZERO, Duration.ZERO, false, broker, budget,
            JsonbBuilder.create(), "/queue/errors", new PasswordAuthenticator(List.of(), true), timer);

    @AfterEach
    void stop() {
        timer.shutdownNow();
    }

    /** A connection that keeps every frame sent to it, and how it was closed. */
    private static final class Kept extends RecordingConnection {

        boolean sentEol() {
            return sent().contains("\n");
        }

        /** Every frame received so far, parsed. */
        List<StompFrame> frames() {
            StompDecoder decoder = new StompDecoder(StompDecoder.Limits.DEFAULT, StompVersion.V1_2);
            CollectingSink sink = new CollectingSink();
            for (String text : sent()) {
                decoder.feed(text.getBytes(StandardCharsets.UTF_8), sink);
            }
            assertNull(sink.malformed, "the session sent a malformed frame");
            return sink.frames;
        }

        StompFrame last() {
            List<StompFrame> frames = frames();
            return frames.get(frames.size() - 1);
        }
    }

    private record Client(StompSession session, Kept connection) {
        void send(String... parts) {
            for (String part : parts) {
                session.onText(part);
            }
        }
    }

    private Client connected() {
        Kept connection = new Kept();
        StompSession session = new StompSession(server, connection, "v12.stomp", false);
        Client client = new Client(session, connection);
        client.send("CONNECT\naccept-version:1.2\nhost:h\n\n\0");
        assertEquals(StompCommand.CONNECTED, connection.last().command());
        return client;
    }

    @Test
    void connectSubscribeAndSendGiveOneMessageWithTheSubscriptionsHeaderAndReceipts() {
        Client alice = connected();
        alice.send("SUBSCRIBE\nid:7\ndestination:/topic/news\nreceipt:r1\n\n\0");
        assertEquals("r1", alice.connection().last().header("receipt-id"));
        Client bob = connected();
        bob.send("SEND\ndestination:/topic/news\ncontent-type:text/plain\nx-custom:yes\n\nhello\0");
        StompFrame message = alice.connection().last();
        assertEquals(StompCommand.MESSAGE, message.command());
        assertEquals("7", message.header("subscription"));
        assertEquals("/topic/news", message.header("destination"));
        assertEquals("yes", message.header("x-custom"));
        assertNotNull(message.header("message-id"));
        assertEquals("hello", new String(message.body(), StandardCharsets.UTF_8));
        assertEquals(1, bob.connection().frames().size(), "the sender is not subscribed: CONNECTED only");
    }

    @Test
    void idsAreRandomSoSeeingSomeTellsNothingOfOthers() {
        java.util.Set<String> ids = new java.util.HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            String id = server.nextMessageId();
            assertTrue(id.matches("[A-Za-z0-9_-]{16}"), id);
            ids.add(id);
        }
        assertEquals(10_000, ids.size(), "unique");
        String a = connected().connection().frames().get(0).header("session");
        String b = connected().connection().frames().get(0).header("session");
        assertTrue(a.matches("s[A-Za-z0-9_-]{22}") && b.matches("s[A-Za-z0-9_-]{22}"), a + " " + b);
        int same = 0;
        for (int i = 1; i < a.length(); i++) {
            same += a.charAt(i) == b.charAt(i) ? 1 : 0;
        }
        assertTrue(same < 8, "two sessions' ids share " + same + " of 22 characters: " + a + " " + b);
    }

    @Test
    void framesSpreadOverPartsAndSeveralInOnePartAreAllTaken() {
        Client c = connected();
        c.send("SUBSCRIBE\nid:1\ndestin", "ation:/topic/t\n\n\0SEND\ndestination:/topic/t\n\nfi", "rst\0SEND\ndestination:/topic/t\n\nsecond\0");
        List<StompFrame> frames = c.connection().frames();
        assertEquals(List.of("first", "second"), frames.subList(1, frames.size()).stream()
                .map(f -> new String(f.body(), StandardCharsets.UTF_8)).toList());
    }

    @Test
    void anErrorIsTheLastFrameAndTheConnectionClosesAfterIt() {
        Client c = connected();
        c.send("SEND\ndestination:/nowhere\nreceipt:r9\n\nx\0");
        StompFrame error = c.connection().last();
        assertEquals(StompCommand.ERROR, error.command());
        assertEquals("unknown destination", error.header("message"));
        assertEquals("r9", error.header("receipt-id"));
        assertEquals(CloseReason.CloseCodes.PROTOCOL_ERROR, c.connection().closedWith().getCloseCode());
        int before = c.connection().frames().size();
        c.send("SUBSCRIBE\nid:1\ndestination:/topic/t\nreceipt:late\n\n\0");
        assertEquals(before, c.connection().frames().size(), "nothing after the ERROR");
    }

    @Test
    void aFrameBeforeConnectIsRefused() {
        Kept connection = new Kept();
        StompSession session = new StompSession(server, connection, "v12.stomp", false);
        session.onText("SEND\ndestination:/topic/t\n\nx\0");
        assertEquals("not connected", connection.last().header("message"));
        assertNotNull(connection.closedWith());
    }

    @Test
    void aTransactionHoldsItsSendsUntilCommitAndDropsThemOnAbort() {
        Client listener = connected();
        listener.send("SUBSCRIBE\nid:1\ndestination:/topic/tx\n\n\0");
        Client c = connected();
        c.send("BEGIN\ntransaction:a\n\n\0", "SEND\ndestination:/topic/tx\ntransaction:a\n\none\0");
        assertEquals(1, listener.connection().frames().size(), "held until COMMIT");
        c.send("COMMIT\ntransaction:a\n\n\0");
        assertEquals("one", new String(listener.connection().last().body(), StandardCharsets.UTF_8));
        c.send("BEGIN\ntransaction:b\n\n\0", "SEND\ndestination:/topic/tx\ntransaction:b\n\ntwo\0",
                "ABORT\ntransaction:b\n\n\0");
        assertEquals(2, listener.connection().frames().size(), "aborted: never sent");
        c.send("BEGIN\ntransaction:c\n\n\0");
        for (int i = 0; i < 6; i++) {
            c.send("SEND\ndestination:/topic/tx\ntransaction:c\n\nx\0");
        }
        assertEquals("transaction refused", c.connection().last().header("message"), "5 frames at most");
    }

    @Test
    void aNackedQueueMessageGoesToTheOtherConsumerMarkedRedelivered() {
        Client a = connected();
        a.send("SUBSCRIBE\nid:1\ndestination:/queue/jobs\nack:client-individual\n\n\0");
        Client producer = connected();
        producer.send("SEND\ndestination:/queue/jobs\n\njob\0");
        StompFrame job = a.connection().last();
        assertEquals("job", new String(job.body(), StandardCharsets.UTF_8));
        Client b = connected();
        b.send("SUBSCRIBE\nid:2\ndestination:/queue/jobs\nack:client-individual\n\n\0");
        a.send("NACK\nid:" + job.header("ack") + "\n\n\0");
        StompFrame again = b.connection().last();
        assertEquals(StompCommand.MESSAGE, again.command());
        assertEquals("true", again.header("redelivered"));
        assertEquals("job", new String(again.body(), StandardCharsets.UTF_8));
    }

    @Test
    void subscriptionsAreBoundedAndIdsUnique() {
        Client c = connected();
        c.send("SUBSCRIBE\nid:1\ndestination:/topic/a\n\n\0", "SUBSCRIBE\nid:1\ndestination:/topic/b\n\n\0");
        assertEquals("duplicate subscription id", c.connection().last().header("message"));
        Client d = connected();
        for (int i = 0; i < 11; i++) {
            d.send("SUBSCRIBE\nid:" + i + "\ndestination:/topic/t" + i + "\n\n\0");
        }
        assertEquals("too many subscriptions", d.connection().last().header("message"));
    }

    @Test
    void aClosedSessionGetsNothingMore() {
        Client gone = connected();
        gone.send("SUBSCRIBE\nid:1\ndestination:/topic/t\n\n\0");
        gone.session().closed();
        Client c = connected();
        c.send("SEND\ndestination:/topic/t\n\nx\0");
        assertEquals(1, gone.connection().frames().size(), "CONNECTED only");
    }

    @Test
    void heartBeatsLeaveWhenNothingElseDoesAndASilentClientIsClosed() throws Exception {
        StompServer beating = new StompServer(limits, Duration.ofMillis(40), Duration.ofMillis(40), false, broker,
                budget, JsonbBuilder.create(), "/queue/errors", new PasswordAuthenticator(List.of(), true), timer);
        Kept connection = new Kept();
        StompSession session = new StompSession(beating, connection, "v12.stomp", false);
        session.onText("CONNECT\naccept-version:1.2\nheart-beat:40,40\n\n\0");
        assertEquals("40,40", connection.last().header("heart-beat"));
        Await.until("an EOL heart-beat", Duration.ofSeconds(5), connection::sentEol);
        Await.until("the silent client closed", Duration.ofSeconds(5), () -> connection.closedWith() != null);
        assertEquals("heart-beat timeout", connection.last().header("message"));
        assertEquals(CloseReason.CloseCodes.GOING_AWAY, connection.closedWith().getCloseCode());
    }

    @Test
    void aClientThatKeepsTalkingIsNotClosedForSilence() throws Exception {
        StompServer beating = new StompServer(limits, Duration.ofMillis(40), Duration.ofMillis(40), false, broker,
                budget, JsonbBuilder.create(), "/queue/errors", new PasswordAuthenticator(List.of(), true), timer);
        Kept connection = new Kept();
        StompSession session = new StompSession(beating, connection, "v12.stomp", false);
        session.onText("CONNECT\naccept-version:1.2\nheart-beat:40,40\n\n\0");
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(400);
        while (System.nanoTime() < until) {
            session.onText("\n"); // the client's own heart-beat, every 10 ms
            Thread.sleep(10); // the client's pace is the behaviour under test, not a wait for the server
        }
        assertNull(connection.closedWith(), "still open after ten times the interval");
    }

    @Test
    void publishersOnManyThreadsReachEverySubscriberInEachPublishersOrder() throws Exception {
        Client s1 = connected();
        Client s2 = connected();
        s1.send("SUBSCRIBE\nid:1\ndestination:/topic/load\n\n\0");
        s2.send("SUBSCRIBE\nid:1\ndestination:/topic/load\n\n\0");
        int publishers = 4;
        int each = 500;
        List<Client> senders = new ArrayList<>();
        for (int p = 0; p < publishers; p++) {
            senders.add(connected());
        }
        ExecutorService pool = Executors.newFixedThreadPool(publishers);
        CountDownLatch go = new CountDownLatch(1);
        for (int p = 0; p < publishers; p++) {
            Client sender = senders.get(p);
            int id = p;
            pool.execute(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < each; i++) {
                    sender.send("SEND\ndestination:/topic/load\n\n" + id + ":" + i + "\0");
                }
            });
        }
        go.countDown();
        pool.shutdown();
        assertTrue(pool.awaitTermination(30, TimeUnit.SECONDS));
        for (Client s : List.of(s1, s2)) {
            List<StompFrame> frames = s.connection().frames();
            assertEquals(1 + publishers * each, frames.size());
            int[] next = new int[publishers];
            for (StompFrame f : frames.subList(1, frames.size())) {
                String[] body = new String(f.body(), StandardCharsets.UTF_8).split(":");
                int p = Integer.parseInt(body[0]);
                assertEquals(next[p]++, Integer.parseInt(body[1]), "publisher " + p + "'s order");
            }
        }
    }
}
