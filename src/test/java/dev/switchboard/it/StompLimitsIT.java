package dev.switchboard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.stomp.StompCommand;
import dev.switchboard.stomp.StompFrame;
import dev.switchboard.testing.Deployments;
import dev.switchboard.testing.StompTestClient;
import dev.switchboard.testing.TestSocket;
import java.io.File;
import java.net.URI;
import java.net.URL;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A deployment with a small outbound limit and MESSAGE frames in binary WebSocket messages:
 * a subscriber that stops reading is cut off and counted while the others get everything, and
 * real clients read binary MESSAGE frames.
 */
@ExtendWith(ArquillianExtension.class)
class StompLimitsIT {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.switchboard("stomp-limits", Map.of(
                "switchboard.outbound.queue.max", "64KiB",
                "switchboard.send.timeout", "2s",
                "switchboard.stomp.message.frames", "binary",
                "switchboard.stomp.heartbeat", "200ms,200ms"));
    }

    @ArquillianResource
    URL base;

    private URI stomp() {
        return URI.create(base.toString().replaceFirst("^http", "ws") + "stomp");
    }

    /** SUBSCRIBEs the broker has taken since it started (it only counts up). */
    private long subscriptions() throws Exception {
        return Stats.number(Http.get(URI.create(base + "stats")).body(), "subscribes");
    }

    /** Waits (at most 10 s) until the broker has taken {@code n} SUBSCRIBEs since it started. */
    private void awaitSubscriptions(long n) {
        dev.switchboard.testing.Await.until("the broker taking " + n + " SUBSCRIBEs", java.time.Duration.ofSeconds(10),
                () -> subscriptions() >= n);
    }

    @Test
    void aSubscriberThatStopsReadingIsCutOffAndTheOthersGetEverything() throws Exception {
        long before = Stats.number(Http.get(URI.create(base + "stats")).body(), "closedSlowConsumer");
        long subscriptions = subscriptions();
        try (TestSocket slow = TestSocket.connectNotReading(stomp());
             StompTestClient reader = StompTestClient.connect(stomp());
             StompTestClient publisher = StompTestClient.connect(stomp())) {
            slow.sendText("CONNECT\naccept-version:1.2\nheart-beat:0,0\n\n\0");
            slow.sendText("SUBSCRIBE\nid:s\ndestination:/topic/flood\nreceipt:r\n\n\0");
            reader.send(StompFrame.of(StompCommand.SUBSCRIBE, "id", "s", "destination", "/topic/flood", "receipt", "r"));
            reader.expect(StompCommand.RECEIPT);
            awaitSubscriptions(subscriptions + 2); // the slow client's too (it reads no receipt)
            String body = "f".repeat(4000);
            int sent = 0;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            long cut = before;
            while (cut == before && System.nanoTime() < deadline) {
                publisher.send(StompFrame.of(StompCommand.SEND, "destination", "/topic/flood").withBody(body + sent));
                sent++;
                assertEquals(body + (sent - 1), reader.expect(StompCommand.MESSAGE).bodyText());
                if (sent % 50 == 0) {
                    cut = Stats.number(Http.get(URI.create(base + "stats")).body(), "closedSlowConsumer");
                }
            }
            // A client that reads nothing cannot see the close frame; the server's count says it was cut off.
            String stats = Http.get(URI.create(base + "stats")).body();
            assertEquals(before + 1, Stats.number(stats, "closedSlowConsumer"), "after " + sent + " messages: " + stats);
            assertTrue(sent < 5000, "cut off only after " + sent + " messages of 4 KB with a 64 KiB limit");
            publisher.send(StompFrame.of(StompCommand.SEND, "destination", "/topic/flood").withBody("after"));
            assertEquals("after", reader.expect(StompCommand.MESSAGE).bodyText());
        }
    }

    /**
     * Writes to readers that keep up are direct (blocking) sends; a reader whose buffer is full
     * holds the writer thread that found it so until it is cut. Six such readers at once, more
     * than there are writer threads: the pool adds writers, and the reader that keeps up still
     * gets every message promptly.
     */
    @Test
    void readersThatStopTogetherDoNotHoldUpOneThatReads() throws Exception {
        String stats0 = Http.get(URI.create(base + "stats")).body();
        long cutBefore = Stats.number(stats0, "closedSlowConsumer");
        long endedBefore = Stats.number(stats0, "directWritesEnded");
        int stalled = 6;
        long subscriptions = subscriptions();
        java.util.List<TestSocket> slow = new java.util.ArrayList<>();
        try (StompTestClient reader = StompTestClient.connect(stomp());
             StompTestClient publisher = StompTestClient.connect(stomp())) {
            for (int i = 0; i < stalled; i++) {
                TestSocket s = TestSocket.connectNotReading(stomp());
                slow.add(s);
                s.sendText("CONNECT\naccept-version:1.2\nheart-beat:0,0\n\n\0");
                s.sendText("SUBSCRIBE\nid:s\ndestination:/topic/jam\n\n\0");
            }
            reader.send(StompFrame.of(StompCommand.SUBSCRIBE, "id", "s", "destination", "/topic/jam", "receipt", "r"));
            reader.expect(StompCommand.RECEIPT);
            awaitSubscriptions(subscriptions + stalled + 1); // the stalled clients' too (they read no receipt)
            String body = "j".repeat(4000);
            long slowestNanos = 0;
            int sent = 0;
            long cut = cutBefore;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (cut < cutBefore + stalled && System.nanoTime() < deadline) {
                long start = System.nanoTime();
                publisher.send(StompFrame.of(StompCommand.SEND, "destination", "/topic/jam").withBody(body + sent));
                assertEquals(body + sent, reader.expect(StompCommand.MESSAGE).bodyText());
                slowestNanos = Math.max(slowestNanos, System.nanoTime() - start);
                sent++;
                if (sent % 50 == 0) {
                    cut = Stats.number(Http.get(URI.create(base + "stats")).body(), "closedSlowConsumer");
                }
            }
            String stats = Http.get(URI.create(base + "stats")).body();
            assertEquals(cutBefore + stalled, Stats.number(stats, "closedSlowConsumer"), "after " + sent + " messages: " + stats);
            // A blocked write is counted when it returns: once its connection is closed, or at the container's timeout.
            long countedBy = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (Stats.number(stats, "directWritesEnded") == endedBefore && System.nanoTime() < countedBy) {
                Thread.sleep(100);
                stats = Http.get(URI.create(base + "stats")).body();
            }
            assertTrue(Stats.number(stats, "directWritesEnded") > endedBefore,
                    "no blocking send was slow, so this test did not stall a writer: " + stats);
            // A stalled direct write lasts until the cut closes its socket (up to the 2 s send timeout here).
            assertTrue(slowestNanos < TimeUnit.MILLISECONDS.toNanos(1000),
                    "the reading subscriber waited " + slowestNanos / 1_000_000 + " ms for one message");
        } finally {
            for (TestSocket s : slow) {
                s.close();
            }
        }
    }

    @Test
    void messageFramesArriveInBinaryWebSocketMessages() throws Exception {
        try (StompTestClient c = StompTestClient.connect(stomp()); StompTestClient p = StompTestClient.connect(stomp())) {
            c.send(StompFrame.of(StompCommand.SUBSCRIBE, "id", "b", "destination", "/topic/bin-mode", "receipt", "r"));
            c.expect(StompCommand.RECEIPT); // control frames stay text
            p.send(StompFrame.of(StompCommand.SEND, "destination", "/topic/bin-mode").withBody("héllo"));
            Object message = c.socket().poll(Duration.ofSeconds(10));
            assertTrue(message instanceof ByteBuffer, "expected a binary message, got " + message);
            String frame = StandardCharsets.UTF_8.decode((ByteBuffer) message).toString();
            assertTrue(frame.startsWith("MESSAGE\n") && frame.endsWith("héllo\0"), frame);
        }
    }

    @Test
    void stompJsReadsBinaryMessageFrames() throws Exception {
        Process node = new ProcessBuilder("node", "stomp-e2e.mjs", stomp().toString())
                .directory(new File("src/test/node")).redirectErrorStream(true).start();
        assertTrue(node.waitFor(60, TimeUnit.SECONDS), "stompjs run did not end within 60 s");
        String output = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, node.exitValue(), output);
        assertTrue(output.contains("ALL PASSED"), output);
    }
}
