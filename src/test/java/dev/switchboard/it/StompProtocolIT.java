package dev.switchboard.it;

import static dev.switchboard.stomp.StompCommand.ACK;
import static dev.switchboard.stomp.StompCommand.ABORT;
import static dev.switchboard.stomp.StompCommand.BEGIN;
import static dev.switchboard.stomp.StompCommand.COMMIT;
import static dev.switchboard.stomp.StompCommand.CONNECT;
import static dev.switchboard.stomp.StompCommand.CONNECTED;
import static dev.switchboard.stomp.StompCommand.DISCONNECT;
import static dev.switchboard.stomp.StompCommand.ERROR;
import static dev.switchboard.stomp.StompCommand.MESSAGE;
import static dev.switchboard.stomp.StompCommand.NACK;
import static dev.switchboard.stomp.StompCommand.RECEIPT;
import static dev.switchboard.stomp.StompCommand.SEND;
import static dev.switchboard.stomp.StompCommand.SUBSCRIBE;
import static dev.switchboard.stomp.StompCommand.UNSUBSCRIBE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.stomp.StompEncoder;
import dev.switchboard.stomp.StompFrame;
import dev.switchboard.stomp.StompVersion;
import dev.switchboard.security.PasswordHashes;
import dev.switchboard.testing.Deployments;
import dev.switchboard.testing.StompTestClient;
import dev.switchboard.testing.TestSocket;
import java.net.URI;
import java.net.URL;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** STOMP over WebSocket on the wire, frame by frame, against the real endpoint in Tomcat. */
@ExtendWith(ArquillianExtension.class)
class StompProtocolIT {

    private static final Duration QUIET = Duration.ofMillis(300);

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.switchboard("stomp", Map.of(
                "switchboard.stomp.users", "alice:" + PasswordHashes.hash("wonderland") + ",bob:" + PasswordHashes.hash("builder"),
                "switchboard.stomp.queue.buffer.max", "3",
                "switchboard.stomp.heartbeat", "200ms,200ms",
                "switchboard.stomp.frame.max", "16KiB",
                "switchboard.stomp.subscriptions.max", "4"));
    }

    @ArquillianResource
    URL base;

    private URI stomp() {
        return URI.create(base.toString().replaceFirst("^http", "ws") + "stomp");
    }

    private static StompFrame subscribe(String id, String destination, String... more) {
        List<String> h = new ArrayList<>(List.of("id", id, "destination", destination));
        h.addAll(List.of(more));
        return StompFrame.of(SUBSCRIBE, h.toArray(String[]::new));
    }

    private static StompFrame send(String destination, String body, String... more) {
        List<String> h = new ArrayList<>(List.of("destination", destination));
        h.addAll(List.of(more));
        return StompFrame.of(SEND, h.toArray(String[]::new)).withBody(body);
    }

    /** Subscribes with a receipt and waits for it, so the subscription is live. */
    private static void subscribed(StompTestClient c, String id, String destination, String... more) {
        List<String> h = new ArrayList<>(List.of(more));
        h.addAll(List.of("receipt", "sub-" + id));
        c.send(subscribe(id, destination, h.toArray(String[]::new)));
        assertEquals("sub-" + id, c.expect(RECEIPT).header("receipt-id"));
    }

    @Test
    void connectNegotiatesTheHighestCommonVersion() throws Exception {
        try (StompTestClient c = StompTestClient.open(stomp())) {
            assertEquals("v12.stomp", c.socket().subprotocol());
            c.send(StompFrame.of(CONNECT, "accept-version", "1.0,1.1", "host", "localhost", "heart-beat", "0,0"));
            StompFrame connected = c.expect(CONNECTED);
            assertEquals("1.1", connected.header("version"));
            assertEquals("200,200", connected.header("heart-beat"));
            assertNotNull(connected.header("session"));
            assertTrue(connected.header("server").startsWith("Switchboard/"), connected.toString());
            assertNull(connected.header("user-name"));
        }
    }

    @Test
    void theStompCommandConnectsToo() throws Exception {
        try (StompTestClient c = StompTestClient.open(stomp())) {
            c.send(StompFrame.of(dev.switchboard.stomp.StompCommand.STOMP, "accept-version", "1.2", "host", "x"));
            assertEquals("1.2", c.expect(CONNECTED).header("version"));
        }
    }

    @Test
    void aClientWithoutAcceptVersionSpeaks10() throws Exception {
        try (StompTestClient c = StompTestClient.open(stomp())) {
            c.send(StompFrame.of(CONNECT));
            StompFrame connected = c.expect(CONNECTED);
            assertEquals("1.0", connected.header("version"));
            assertNull(connected.header("heart-beat"));
        }
    }

    @Test
    void theWebSocketSubprotocolCapsTheVersion() throws Exception {
        try (StompTestClient c = StompTestClient.open(stomp(), "v11.stomp")) {
            assertEquals("v11.stomp", c.socket().subprotocol());
            c.send(StompFrame.of(CONNECT, "accept-version", "1.1,1.2"));
            assertEquals("1.1", c.expect(CONNECTED).header("version"));
        }
    }

    @Test
    void anUnsupportedVersionGetsAnErrorListingTheSupportedOnes() throws Exception {
        try (StompTestClient c = StompTestClient.open(stomp())) {
            c.send(StompFrame.of(CONNECT, "accept-version", "2.0"));
            StompFrame error = c.expect(ERROR);
            assertEquals("1.0,1.1,1.2", error.header("version"));
            assertTrue(error.bodyText().contains("Supported protocol versions are 1.0,1.1,1.2"), error.bodyText());
            assertEquals(1002, c.socket().awaitClose(Duration.ofSeconds(5)).code());
        }
    }

    @Test
    void framesBeforeConnectAreRefused() throws Exception {
        try (StompTestClient c = StompTestClient.open(stomp())) {
            c.send(send("/topic/a", "x", "receipt", "r1"));
            StompFrame error = c.expect(ERROR);
            assertEquals("not connected", error.header("message"));
            assertEquals("r1", error.header("receipt-id"));
            c.socket().awaitClose(Duration.ofSeconds(5));
        }
    }

    @Test
    void credentialsAreChecked() throws Exception {
        try (StompTestClient c = StompTestClient.open(stomp())) {
            c.send(StompFrame.of(CONNECT, "accept-version", "1.2", "login", "alice", "passcode", "wrong"));
            assertEquals("authentication failed", c.expect(ERROR).header("message"));
            c.socket().awaitClose(Duration.ofSeconds(5));
        }
        try (StompTestClient c = StompTestClient.open(stomp())) {
            c.send(StompFrame.of(CONNECT, "accept-version", "1.2", "login", "alice", "passcode", "wonderland"));
            assertEquals("alice", c.expect(CONNECTED).header("user-name"));
        }
    }

    @Test
    void topicSubscribersEachGetEveryMessageWithHeadersPassedThrough() throws Exception {
        try (StompTestClient a = StompTestClient.connect(stomp()); StompTestClient b = StompTestClient.connect(stomp());
             StompTestClient publisher = StompTestClient.connect(stomp())) {
            subscribed(a, "a1", "/topic/news");
            subscribed(b, "b1", "/topic/news");
            publisher.send(send("/topic/news", "héllo", "content-type", "text/plain", "x-trace", "t-1", "receipt", "p1"));
            assertEquals("p1", publisher.expect(RECEIPT).header("receipt-id"));
            for (StompTestClient c : List.of(a, b)) {
                StompFrame m = c.expect(MESSAGE);
                assertEquals("/topic/news", m.header("destination"));
                assertEquals(c == a ? "a1" : "b1", m.header("subscription"));
                assertNotNull(m.header("message-id"));
                assertEquals("text/plain", m.header("content-type"));
                assertEquals("t-1", m.header("x-trace"));
                assertEquals(String.valueOf("héllo".getBytes(java.nio.charset.StandardCharsets.UTF_8).length),
                        m.header("content-length"));
                assertEquals("héllo", m.bodyText());
                assertNull(m.header("receipt"));
            }
        }
    }

    @Test
    void patternSubscriptionsMatchSegmentsAndSubtrees() throws Exception {
        try (StompTestClient c = StompTestClient.connect(stomp()); StompTestClient p = StompTestClient.connect(stomp())) {
            subscribed(c, "news", "/topic/news.*");
            subscribed(c, "prices", "/topic/prices/**");
            p.send(send("/topic/news.lobby", "1"));
            p.send(send("/topic/news.lobby.deep", "not for news.*"));
            p.send(send("/topic/prices/eu/fr", "2"));
            p.send(send("/topic/other", "no"));
            StompFrame first = c.expect(MESSAGE);
            assertEquals("news", first.header("subscription"));
            assertEquals("/topic/news.lobby", first.header("destination"));
            StompFrame second = c.expect(MESSAGE);
            assertEquals("prices", second.header("subscription"));
            assertEquals("/topic/prices/eu/fr", second.header("destination"));
            assertNull(c.poll(QUIET));
        }
    }

    @Test
    void unsubscribeStopsDeliveries() throws Exception {
        try (StompTestClient c = StompTestClient.connect(stomp()); StompTestClient p = StompTestClient.connect(stomp())) {
            subscribed(c, "s", "/topic/unsub");
            c.send(StompFrame.of(UNSUBSCRIBE, "id", "s", "receipt", "u"));
            c.expect(RECEIPT);
            p.send(send("/topic/unsub", "gone"));
            assertNull(c.poll(QUIET));
        }
    }

    @Test
    void oneSendersMessagesArriveInOrder() throws Exception {
        try (StompTestClient c = StompTestClient.connect(stomp()); StompTestClient p = StompTestClient.connect(stomp())) {
            subscribed(c, "s", "/topic/order");
            for (int i = 0; i < 2000; i++) {
                p.send(send("/topic/order", Integer.toString(i)));
            }
            for (int i = 0; i < 2000; i++) {
                assertEquals(Integer.toString(i), c.expect(MESSAGE).bodyText());
            }
        }
    }

    @Test
    void queueMessagesGoToOneConsumerRoundRobin() throws Exception {
        try (StompTestClient a = StompTestClient.connect(stomp()); StompTestClient b = StompTestClient.connect(stomp());
             StompTestClient p = StompTestClient.connect(stomp())) {
            subscribed(a, "q", "/queue/work");
            subscribed(b, "q", "/queue/work");
            for (int i = 0; i < 4; i++) {
                p.send(send("/queue/work", "job" + i));
            }
            Set<String> got = new HashSet<>();
            for (StompTestClient c : List.of(a, b)) {
                got.add(c.expect(MESSAGE).bodyText());
                got.add(c.expect(MESSAGE).bodyText());
                assertNull(c.poll(QUIET));
            }
            assertEquals(Set.of("job0", "job1", "job2", "job3"), got);
        }
    }

    @Test
    void queueMessagesWaitForASubscriberAndAFullBufferIsAnError() throws Exception {
        try (StompTestClient p = StompTestClient.connect(stomp())) {
            for (int i = 0; i < 3; i++) {
                p.send(send("/queue/later", "m" + i));
            }
            p.send(send("/queue/later", "one too many", "receipt", "over"));
            StompFrame error = p.expect(ERROR);
            assertEquals("over", error.header("receipt-id"));
            assertTrue(error.bodyText().contains("full"), error.bodyText());
        }
        try (StompTestClient c = StompTestClient.connect(stomp())) {
            c.send(subscribe("s", "/queue/later"));
            for (int i = 0; i < 3; i++) {
                assertEquals("m" + i, c.expect(MESSAGE).bodyText());
            }
            assertNull(c.poll(QUIET));
        }
    }

    @Test
    void aNackedMessageIsRedeliveredToAnotherConsumer() throws Exception {
        try (StompTestClient a = StompTestClient.connect(stomp()); StompTestClient b = StompTestClient.connect(stomp());
             StompTestClient p = StompTestClient.connect(stomp())) {
            subscribed(a, "qa", "/queue/nack", "ack", "client-individual");
            subscribed(b, "qb", "/queue/nack", "ack", "client-individual");
            p.send(send("/queue/nack", "once"));
            StompTestClient first = null;
            StompFrame m = a.poll(Duration.ofSeconds(2));
            if (m != null) {
                first = a;
            } else {
                m = b.expect(MESSAGE);
                first = b;
            }
            StompTestClient other = first == a ? b : a;
            assertNotNull(m.header("ack"));
            first.send(StompFrame.of(NACK, "id", m.header("ack")));
            StompFrame again = other.expect(MESSAGE);
            assertEquals("once", again.bodyText());
            assertEquals("true", again.header("redelivered"));
            other.send(StompFrame.of(ACK, "id", again.header("ack"), "receipt", "acked"));
            other.expect(RECEIPT);
            assertNull(first.poll(QUIET));
        }
    }

    @Test
    void unacknowledgedMessagesOfADisconnectedConsumerGoToAnother() throws Exception {
        try (StompTestClient stays = StompTestClient.connect(stomp()); StompTestClient p = StompTestClient.connect(stomp())) {
            try (StompTestClient leaves = StompTestClient.connect(stomp())) {
                subscribed(leaves, "q", "/queue/handover", "ack", "client");
                p.send(send("/queue/handover", "a"));
                p.send(send("/queue/handover", "b"));
                assertEquals("a", leaves.expect(MESSAGE).bodyText());
                assertEquals("b", leaves.expect(MESSAGE).bodyText());
                subscribed(stays, "q", "/queue/handover", "ack", "client");
            } // closed without ACK
            List<String> redelivered = List.of(stays.expect(MESSAGE).bodyText(), stays.expect(MESSAGE).bodyText());
            assertEquals(List.of("a", "b"), redelivered);
        }
    }

    @Test
    void clientAckIsCumulative() throws Exception {
        try (StompTestClient c = StompTestClient.connect(stomp()); StompTestClient p = StompTestClient.connect(stomp())) {
            subscribed(c, "q", "/queue/cumulative", "ack", "client");
            for (int i = 0; i < 3; i++) {
                p.send(send("/queue/cumulative", "m" + i));
            }
            c.expect(MESSAGE);
            c.expect(MESSAGE);
            StompFrame third = c.expect(MESSAGE);
            c.send(StompFrame.of(ACK, "id", third.header("ack"), "receipt", "all"));
            c.expect(RECEIPT);
            String stats = Http.get(URI.create(base + "stats")).body();
            assertEquals(0, Stats.number(stats, "queueMessagesUnacked"), stats);
        }
    }

    @Test
    void stomp11AcksNameTheSubscriptionAndMessageId() throws Exception {
        try (StompTestClient c = StompTestClient.open(stomp()); StompTestClient p = StompTestClient.connect(stomp())) {
            c.version(StompVersion.V1_1);
            c.send(StompFrame.of(CONNECT, "accept-version", "1.1"));
            c.expect(CONNECTED);
            subscribed(c, "q11", "/queue/v11", "ack", "client-individual");
            p.send(send("/queue/v11", "x"));
            StompFrame m = c.expect(MESSAGE);
            assertNull(m.header("ack"));
            c.send(StompFrame.of(NACK, "subscription", "q11", "message-id", m.header("message-id")));
            StompFrame again = c.expect(MESSAGE); // the only consumer gets it back
            assertEquals("true", again.header("redelivered"));
            c.send(StompFrame.of(ACK, "subscription", "q11", "message-id", again.header("message-id"), "receipt", "ok"));
            c.expect(RECEIPT);
        }
    }

    @Test
    void userDestinationsReachEverySessionOfThatUserOnly() throws Exception {
        try (StompTestClient alice1 = StompTestClient.connect(stomp(), "login", "alice", "passcode", "wonderland");
             StompTestClient alice2 = StompTestClient.connect(stomp(), "login", "alice", "passcode", "wonderland");
             StompTestClient bob = StompTestClient.connect(stomp(), "login", "bob", "passcode", "builder")) {
            subscribed(alice1, "u", "/user/queue/inbox");
            subscribed(alice2, "u", "/user/queue/inbox");
            subscribed(bob, "u", "/user/queue/inbox");
            bob.send(send("/user/alice/queue/inbox", "for alice"));
            for (StompTestClient a : List.of(alice1, alice2)) {
                StompFrame m = a.expect(MESSAGE);
                assertEquals("/user/queue/inbox", m.header("destination"));
                assertEquals("for alice", m.bodyText());
            }
            assertNull(bob.poll(QUIET));
            bob.send(subscribe("x", "/user/alice/queue/inbox", "receipt", "no"));
            assertEquals("subscription refused", bob.expect(ERROR).header("message"));
        }
    }

    @Test
    void appEchoPublishesJsonToTopicMessages() throws Exception {
        try (StompTestClient c = StompTestClient.connect(stomp())) {
            subscribed(c, "m", "/topic/messages");
            c.send(send("/app/echo", "{\"message\":\"hi there\"}", "content-type", "application/json"));
            StompFrame m = c.expect(MESSAGE);
            assertEquals("application/json", m.header("content-type"));
            assertTrue(m.bodyText().matches("\\{\"message\":\"hi there\",\"timestamp\":\"20\\d\\d-.*Z\"}"), m.bodyText());
            c.send(send("/app/echo", "plain"));
            assertTrue(c.expect(MESSAGE).bodyText().startsWith("{\"message\":\"plain\""));
        }
    }

    @Test
    void anApplicationMistakeIsAnsweredOnTheSendersErrorDestinationAndTheSessionGoesOn() throws Exception {
        try (StompTestClient c = StompTestClient.connect(stomp()); StompTestClient other = StompTestClient.connect(stomp())) {
            subscribed(c, "errors", "/user/queue/errors");
            subscribed(other, "errors", "/user/queue/errors");
            subscribed(c, "echo", "/topic/messages");
            c.send(send("/app/nothing-here", "x", "receipt", "r1"));
            StompFrame error = c.expect(MESSAGE);
            assertEquals("/user/queue/errors", error.header("destination"));
            assertEquals("application/json", error.header("content-type"));
            assertTrue(error.bodyText().contains("no application handler for /app/nothing-here"), error.bodyText());
            assertEquals("r1", c.expect(RECEIPT).header("receipt-id"), "the frame was taken: its receipt comes");
            c.send(send("/app/chat/lobby", "{\"text\": ", "content-type", "application/json"));
            assertTrue(c.expect(MESSAGE).bodyText().contains("is not the JSON this destination takes"));
            c.send(send("/app/echo", "still here"));
            StompFrame echo = c.expect(MESSAGE);
            assertEquals("/topic/messages", echo.header("destination"));
            assertTrue(echo.bodyText().contains("still here"), echo.bodyText());
            assertNull(other.poll(QUIET), "another session hears nothing of it");
        }
    }

    @Test
    void transactionalSendsTakeEffectAtCommitAndAbortDiscards() throws Exception {
        try (StompTestClient c = StompTestClient.connect(stomp()); StompTestClient p = StompTestClient.connect(stomp())) {
            subscribed(c, "s", "/topic/tx");
            p.send(StompFrame.of(BEGIN, "transaction", "t1"));
            p.send(send("/topic/tx", "in t1", "transaction", "t1", "receipt", "held"));
            p.expect(RECEIPT);
            assertNull(c.poll(QUIET));
            p.send(StompFrame.of(COMMIT, "transaction", "t1"));
            assertEquals("in t1", c.expect(MESSAGE).bodyText());
            p.send(StompFrame.of(BEGIN, "transaction", "t2"));
            p.send(send("/topic/tx", "in t2", "transaction", "t2"));
            p.send(StompFrame.of(ABORT, "transaction", "t2", "receipt", "aborted"));
            p.expect(RECEIPT);
            assertNull(c.poll(QUIET));
            p.send(StompFrame.of(COMMIT, "transaction", "t2"));
            assertEquals("unknown transaction", p.expect(ERROR).header("message"));
        }
    }

    @Test
    void transactionalAcksTakeEffectAtCommit() throws Exception {
        try (StompTestClient c = StompTestClient.connect(stomp()); StompTestClient p = StompTestClient.connect(stomp())) {
            subscribed(c, "q", "/queue/txack", "ack", "client-individual");
            p.send(send("/queue/txack", "x"));
            StompFrame m = c.expect(MESSAGE);
            c.send(StompFrame.of(BEGIN, "transaction", "t"));
            c.send(StompFrame.of(ACK, "id", m.header("ack"), "transaction", "t", "receipt", "r"));
            c.expect(RECEIPT);
            assertTrue(Stats.number(Http.get(URI.create(base + "stats")).body(), "queueMessagesUnacked") >= 1);
            c.send(StompFrame.of(COMMIT, "transaction", "t", "receipt", "c"));
            c.expect(RECEIPT);
            String stats = Http.get(URI.create(base + "stats")).body();
            assertEquals(0, Stats.number(stats, "queueMessagesUnacked"), stats);
        }
    }

    @Test
    void disconnectWithReceiptIsAnsweredThenClosed() throws Exception {
        try (StompTestClient c = StompTestClient.connect(stomp())) {
            c.send(StompFrame.of(DISCONNECT, "receipt", "bye"));
            assertEquals("bye", c.expect(RECEIPT).header("receipt-id"));
            assertEquals(1000, c.socket().awaitClose(Duration.ofSeconds(5)).code());
        }
    }

    @Test
    void theServerSendsHeartBeatsAtTheAgreedInterval() throws Exception {
        try (StompTestClient c = StompTestClient.open(stomp())) {
            c.send(StompFrame.of(CONNECT, "accept-version", "1.2", "heart-beat", "0,300"));
            c.expect(CONNECTED);
            assertNull(c.poll(Duration.ofMillis(1600)));
            // max(200 offered, 300 wanted) = every 300 ms: about 5 in 1.6 s
            assertTrue(c.heartbeatsReceived() >= 3 && c.heartbeatsReceived() <= 7, "heart-beats: " + c.heartbeatsReceived());
        }
    }

    @Test
    void aClientSilentForTwiceItsIntervalIsDisconnectedAndCounted() throws Exception {
        long before = Stats.number(Http.get(URI.create(base + "stats")).body(), "heartbeatTimeouts");
        try (StompTestClient silent = StompTestClient.open(stomp()); StompTestClient beating = StompTestClient.open(stomp())) {
            silent.send(StompFrame.of(CONNECT, "accept-version", "1.2", "heart-beat", "200,0"));
            silent.expect(CONNECTED);
            beating.send(StompFrame.of(CONNECT, "accept-version", "1.2", "heart-beat", "200,0"));
            beating.expect(CONNECTED);
            long end = System.nanoTime() + Duration.ofMillis(1500).toNanos();
            while (System.nanoTime() < end) {
                beating.sendRaw("\n");
                Thread.sleep(100);
            }
            assertEquals("heart-beat timeout", silent.expect(ERROR).header("message"));
            silent.socket().awaitClose(Duration.ofSeconds(5));
            assertTrue(!beating.socket().isClosed());
            beating.send(StompFrame.of(DISCONNECT, "receipt", "alive"));
            beating.expect(RECEIPT);
        }
        long after = Stats.number(Http.get(URI.create(base + "stats")).body(), "heartbeatTimeouts");
        assertEquals(before + 1, after);
    }

    @Test
    void severalFramesInOneMessageAndOneFrameOverSeveralMessages() throws Exception {
        try (StompTestClient c = StompTestClient.connect(stomp()); StompTestClient p = StompTestClient.open(stomp())) {
            subscribed(c, "s", "/topic/split");
            String connect = StompEncoder.encodeText(StompFrame.of(CONNECT, "accept-version", "1.2"), StompVersion.V1_2);
            String two = StompEncoder.encodeText(send("/topic/split", "one"), StompVersion.V1_2) + "\n\r\n"
                    + StompEncoder.encodeText(send("/topic/split", "two"), StompVersion.V1_2);
            p.sendRaw(connect + two);
            p.expect(CONNECTED);
            assertEquals("one", c.expect(MESSAGE).bodyText());
            assertEquals("two", c.expect(MESSAGE).bodyText());
            String big = "x".repeat(10_000);
            String frame = "SEND\r\ndestination:/topic/split\r\n\r\n" + big + "\0";
            for (int i = 0; i < frame.length(); i += 3000) {
                p.socket().sendText(frame.substring(i, Math.min(frame.length(), i + 3000)));
            }
            assertEquals(big, c.expect(MESSAGE).bodyText());
        }
    }

    @Test
    void binaryBodiesWithNulBytesTravelByContentLength() throws Exception {
        try (StompTestClient c = StompTestClient.connect(stomp()); TestSocket p = TestSocket.connect(stomp(), Map.of(), "v12.stomp")) {
            subscribed(c, "s", "/topic/bin");
            p.sendText("CONNECT\naccept-version:1.2\n\n\0");
            byte[] body = {0, 1, 2, (byte) 0xff, 0, (byte) 0xc3};
            byte[] head = "SEND\ndestination:/topic/bin\ncontent-type:application/octet-stream\ncontent-length:6\n\n"
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8);
            ByteBuffer frame = ByteBuffer.allocate(head.length + body.length + 1).put(head).put(body).put((byte) 0).flip();
            p.sendBinary(frame);
            StompFrame m = c.expect(MESSAGE);
            assertArrayEquals(body, m.body());
            assertEquals("6", m.header("content-length"));
        }
    }

    @Test
    void headerValuesAreUnescapedPerVersion() throws Exception {
        try (StompTestClient c = StompTestClient.connect(stomp()); StompTestClient p = StompTestClient.connect(stomp())) {
            subscribed(c, "s", "/topic/esc");
            p.sendRaw("SEND\ndestination:/topic/esc\nx-odd:a\\cb\\nc\\\\d\\re\n\nbody\0");
            assertEquals("a:b\nc\\d\re", c.expect(MESSAGE).header("x-odd"));
        }
        try (StompTestClient c10 = StompTestClient.open(stomp()); StompTestClient p = StompTestClient.connect(stomp())) {
            c10.version(StompVersion.V1_0);
            c10.send(StompFrame.of(CONNECT));
            c10.expect(CONNECTED);
            c10.send(subscribe("s", "/topic/esc10", "receipt", "r"));
            c10.expect(RECEIPT);
            p.sendRaw("SEND\ndestination:/topic/esc10\nx-colon:a\\cb\nx-newline:a\\nb\n\nbody\0");
            StompFrame m = c10.expect(MESSAGE);
            assertEquals("a:b", m.header("x-colon"), "1.0 has no escaping: a colon goes as is");
            assertNull(m.header("x-newline"), "1.0 cannot carry a newline in a header: left out");
        }
    }

    @Test
    void aMalformedFrameGetsAnErrorWithItsReceiptAndHarmsNobodyElse() throws Exception {
        try (StompTestClient bystander = StompTestClient.connect(stomp()); StompTestClient bad = StompTestClient.connect(stomp())) {
            subscribed(bystander, "s", "/topic/bystander");
            bad.sendRaw("SEND\ndestination:/topic/bystander\nreceipt:77\nx:bad\\escape\n\n\0");
            StompFrame error = bad.expect(ERROR);
            assertEquals("malformed frame", error.header("message"));
            assertEquals("77", error.header("receipt-id"));
            assertTrue(error.bodyText().contains("escape"), error.bodyText());
            assertEquals(1002, bad.socket().awaitClose(Duration.ofSeconds(5)).code());
            try (StompTestClient p = StompTestClient.connect(stomp())) {
                p.send(send("/topic/bystander", "still here"));
                assertEquals("still here", bystander.expect(MESSAGE).bodyText());
            }
        }
    }

    @Test
    void anOversizeFrameIsRefusedWhileBeingRead() throws Exception {
        try (StompTestClient c = StompTestClient.connect(stomp())) {
            c.sendRaw("SEND\ndestination:/topic/big\n\n" + "y".repeat(20_000) + "\0");
            StompFrame error = c.expect(ERROR);
            assertTrue(error.bodyText().contains("larger than 16384 bytes"), error.bodyText());
        }
        try (StompTestClient c = StompTestClient.connect(stomp())) {
            c.sendRaw("SEND\ndestination:/topic/big\ncontent-length:999999\n\n");
            assertTrue(c.expect(ERROR).bodyText().contains("content-length 999999"));
        }
    }

    @Test
    void theSubscriptionLimitIsEnforced() throws Exception {
        try (StompTestClient c = StompTestClient.connect(stomp())) {
            for (int i = 0; i < 4; i++) {
                c.send(subscribe("s" + i, "/topic/limit" + i));
            }
            c.send(subscribe("s4", "/topic/limit4"));
            assertEquals("too many subscriptions", c.expect(ERROR).header("message"));
        }
    }

    @Test
    void statsCountStompTraffic() throws Exception {
        try (StompTestClient c = StompTestClient.connect(stomp())) {
            subscribed(c, "s", "/topic/stats");
            c.send(send("/topic/stats", "x"));
            c.expect(MESSAGE);
            String stats = Http.get(URI.create(base + "stats")).body();
            assertTrue(Stats.number(stats, "sessions") >= 1, stats);
            assertTrue(Stats.number(stats, "framesIn") >= 3, stats);
            assertTrue(Stats.number(stats, "bytesOut") > 0, stats);
            assertTrue(Stats.number(stats, "subscriptions") >= 1, stats);
            assertTrue(Stats.number(stats, "deliveries") >= 1, stats);
        }
    }

}
