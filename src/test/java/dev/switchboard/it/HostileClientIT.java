package dev.switchboard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.stomp.StompCommand;
import dev.switchboard.stomp.StompFrame;
import dev.switchboard.testing.Deployments;
import dev.switchboard.testing.RawWebSocket;
import dev.switchboard.testing.StompTestClient;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The attacks that took a node down, scaled down to seconds: each attacker connects from an
 * address of its own (127.0.0.x, as a client on another machine would) and is refused or cut,
 * counted in {@code /stats}, while a polite client on 127.0.0.1 keeps its round trips and
 * {@code /health} keeps answering. The limits are set small here so that they are reached fast;
 * their defaults are derived from the heap (see docs/limits.md).
 */
@ExtendWith(ArquillianExtension.class)
class HostileClientIT {

    private static final int SESSION_BUDGET = 2 << 20;
    private static final int ADDRESS_BUDGET = 4 << 20;
    private static final int NODE_BUDGET = 16 << 20;

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.switchboard("hostile", Map.ofEntries(
                Map.entry("switchboard.memory.budget", NODE_BUDGET + "b"),
                Map.entry("switchboard.memory.budget.address", ADDRESS_BUDGET + "b"),
                Map.entry("switchboard.memory.budget.session", SESSION_BUDGET + "b"),
                Map.entry("switchboard.destinations.per.address.max", "50"),
                Map.entry("switchboard.connections.per.address.max", "20"),
                Map.entry("switchboard.handshake.rate", "20/s,30"),
                Map.entry("switchboard.inbound.messages.rate", "2000/s,2000"),
                Map.entry("switchboard.stomp.connect.timeout", "1s"),
                Map.entry("switchboard.chat.room.ttl", "1s"),
                Map.entry("switchboard.stomp.heartbeat", "0,0")));
    }

    @ArquillianResource
    URL base;

    /** Polls /health every 50 ms while a test runs; every answer must be 200 within 2 s. */
    private Thread healthWatch;
    private final java.util.concurrent.atomic.AtomicInteger healthAnswers = new java.util.concurrent.atomic.AtomicInteger();
    private final java.util.concurrent.atomic.AtomicReference<String> healthFailure =
            new java.util.concurrent.atomic.AtomicReference<>();

    /** Heap after GC before the test: the node must come back to it once the attacker is gone. */
    private long heapBaseline;

    @org.junit.jupiter.api.BeforeEach
    void measureHeap() {
        heapBaseline = heapAfterGc();
    }

    @org.junit.jupiter.api.AfterEach
    void heapComesBackToItsBaseline() throws Exception {
        await("open connections", statOf("open"), 0);
        long after = heapAfterGc();
        assertTrue(after < heapBaseline + (16 << 20), "heap after GC " + (heapBaseline >> 20) + " MB before the attack, "
                + (after >> 20) + " MB after it");
    }

    @org.junit.jupiter.api.BeforeEach
    void watchHealth() {
        healthWatch = new Thread(() -> {
            java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    java.net.http.HttpResponse<String> r = client.send(java.net.http.HttpRequest.newBuilder(
                            URI.create(base + "health")).timeout(Duration.ofSeconds(2)).build(),
                            java.net.http.HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() != 200) {
                        healthFailure.compareAndSet(null, "status " + r.statusCode());
                    }
                    healthAnswers.incrementAndGet();
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    return;
                } catch (IOException e) {
                    healthFailure.compareAndSet(null, e.toString());
                }
            }
        }, "health-watch");
        healthWatch.setDaemon(true);
        healthWatch.start();
    }

    @org.junit.jupiter.api.AfterEach
    void healthAnsweredAllAlong() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (healthAnswers.get() == 0 && healthFailure.get() == null && System.nanoTime() < deadline) {
            Thread.sleep(10); // a test shorter than one request: wait for its first answer
        }
        healthWatch.interrupt();
        healthWatch.join(5000);
        assertEquals(null, healthFailure.get(), "/health failed during the attack");
        assertTrue(healthAnswers.get() > 0, "/health was never asked");
    }

    private URI stomp() {
        return URI.create(base.toString().replaceFirst("^http", "ws") + "stomp");
    }

    private String stats() throws Exception {
        return Http.get(URI.create(base + "stats")).body();
    }

    private long stat(String name) throws Exception {
        return Stats.number(stats(), name);
    }

    /** A polite client's round trip (SEND with receipt to a topic it listens to), in ms; fails past 2 s. */
    private static double roundTrip(StompTestClient polite, int n) {
        long start = System.nanoTime();
        polite.send(StompFrame.of(StompCommand.SEND, "destination", "/topic/polite", "receipt", "rt" + n)
                .withBody("ping " + n));
        polite.expect(StompCommand.MESSAGE);
        polite.expect(StompCommand.RECEIPT);
        return (System.nanoTime() - start) / 1e6;
    }

    private static StompTestClient polite(URI stomp) throws Exception {
        StompTestClient polite = StompTestClient.connect(stomp);
        polite.send(StompFrame.of(StompCommand.SUBSCRIBE, "id", "p", "destination", "/topic/polite", "receipt", "s"));
        polite.expect(StompCommand.RECEIPT);
        return polite;
    }

    private static RawWebSocket attacker(URI stomp, String address) throws IOException {
        RawWebSocket ws = RawWebSocket.open(stomp, address);
        ws.sendText("CONNECT\naccept-version:1.2\nheart-beat:0,0\n\n\0");
        RawWebSocket.Frame connected = ws.read(Duration.ofSeconds(5));
        assertNotNull(connected);
        assertTrue(connected.text().startsWith("CONNECTED"), connected.text());
        return ws;
    }

    /** Reads until an ERROR frame (its text) or fails after {@code timeout}. */
    private static String awaitError(RawWebSocket ws, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            RawWebSocket.Frame f = ws.read(Duration.ofMillis(200));
            if (f != null && f.text().startsWith("ERROR")) {
                return f.text();
            }
        }
        throw new AssertionError("no ERROR within " + timeout);
    }

    private static long heapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** Waits until {@code value} is {@code expected}, at most 10 s. */
    private static void await(String what, LongSupplier value, long expected) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        long v;
        while ((v = value.getAsLong()) != expected) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + ": " + v + ", expected " + expected);
            }
            Thread.sleep(20);
        }
    }

    private LongSupplier statOf(String name) {
        return () -> {
            try {
                return stat(name);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        };
    }

    /**
     * Attack 1: 60 KB SENDs to queues nobody consumes. The budget refuses the sender once its
     * session share is full; what was accepted stays until consumed (nothing acknowledged is
     * dropped), then the queues go away and the budget and heap come back.
     */
    @Test
    void aQueueFloodStopsAtTheSessionsBudgetAndNothingAcceptedIsLost() throws Exception {
        long heapBefore = heapAfterGc();
        String body = "q".repeat(60_000);
        int accepted = 0;
        try (StompTestClient polite = polite(stomp()); RawWebSocket attacker = attacker(stomp(), "127.0.0.2")) {
            String error = null;
            List<Double> trips = new ArrayList<>();
            for (int i = 0; i < 500 && error == null; i++) {
                attacker.sendText("SEND\ndestination:/queue/nobody." + (i % 8) + "\nreceipt:r" + i + "\n\n" + body + "\0");
                RawWebSocket.Frame answer = attacker.read(Duration.ofSeconds(5));
                assertNotNull(answer, "no answer to SEND " + i);
                if (answer.text().startsWith("RECEIPT")) {
                    accepted++;
                } else {
                    error = answer.text();
                }
                if (i % 10 == 0) {
                    trips.add(roundTrip(polite, i));
                }
            }
            assertNotNull(error, "500 SENDs of 60 KB were all kept");
            assertTrue(error.contains("memory"), error);
            assertTrue(accepted * 60_000L <= SESSION_BUDGET && accepted >= 10, "accepted " + accepted);
            assertTrue(stat("refusedSession") >= 1);
            assertTrue(stat("used") <= SESSION_BUDGET, stats());
            assertEquals(200, Http.get(URI.create(base + "health")).statusCode());
            assertTrue(trips.stream().allMatch(t -> t < 1000), "polite round trips " + trips);
        }
        // every message with a receipt is still there: a consumer (another address) gets them all
        int received = 0;
        try (StompTestClient consumer = StompTestClient.connect(stomp())) {
            for (int q = 0; q < 8; q++) {
                consumer.send(StompFrame.of(StompCommand.SUBSCRIBE, "id", "c" + q, "destination", "/queue/nobody." + q));
            }
            while (received < accepted) {
                assertEquals(body, consumer.expect(StompCommand.MESSAGE).bodyText());
                received++;
            }
            for (int q = 0; q < 8; q++) {
                consumer.send(StompFrame.of(StompCommand.UNSUBSCRIBE, "id", "c" + q));
            }
            consumer.send(StompFrame.of(StompCommand.DISCONNECT, "receipt", "bye"));
            consumer.expect(StompCommand.RECEIPT);
        }
        assertEquals(accepted, received);
        await("budget in use", statOf("used"), 0);
        await("queues", statOf("queueDestinations"), 0);
        long heapAfter = heapAfterGc();
        assertTrue(heapAfter < heapBefore + (8 << 20), "heap " + (heapBefore >> 20) + " MB before, "
                + (heapAfter >> 20) + " MB after");
    }

    /** 1-byte SENDs to ever new queue names: the address may keep 50 queues; empty ones go away. */
    @Test
    void anAddressMayKeepOnlySoManyQueuesAndEmptyOnesAreRemoved() throws Exception {
        try (RawWebSocket attacker = attacker(stomp(), "127.0.0.3")) {
            String error = null;
            int made = 0;
            for (int i = 0; i < 200 && error == null; i++) {
                attacker.sendText("SEND\ndestination:/queue/many." + i + "\nreceipt:r\n\nx\0");
                RawWebSocket.Frame answer = attacker.read(Duration.ofSeconds(5));
                if (answer.text().startsWith("RECEIPT")) {
                    made++;
                } else {
                    error = answer.text();
                }
            }
            assertEquals(50, made);
            assertNotNull(error);
            assertTrue(error.contains("queues and rooms"), error);
        }
        assertTrue(stat("refusedDestinations") >= 1);
        try (StompTestClient consumer = StompTestClient.connect(stomp())) {
            for (int i = 0; i < 50; i++) {
                consumer.send(StompFrame.of(StompCommand.SUBSCRIBE, "id", "m" + i, "destination", "/queue/many." + i));
                assertEquals("x", consumer.expect(StompCommand.MESSAGE).bodyText());
                consumer.send(StompFrame.of(StompCommand.UNSUBSCRIBE, "id", "m" + i));
            }
            consumer.send(StompFrame.of(StompCommand.DISCONNECT, "receipt", "bye"));
            consumer.expect(StompCommand.RECEIPT);
        }
        await("queues", statOf("queueDestinations"), 0);
        // the address may make queues again
        try (RawWebSocket again = attacker(stomp(), "127.0.0.3")) {
            again.sendText("SUBSCRIBE\nid:a\ndestination:/queue/many.again\nreceipt:r\n\n\0");
            assertTrue(again.read(Duration.ofSeconds(5)).text().startsWith("RECEIPT"));
        }
    }

    /** Attack 2: unconnected sockets with a large partial frame; and one that only sends newlines. */
    @Test
    void beforeConnectFramesAreSmallAndTheDeadlineHolds() throws Exception {
        long timeoutsBefore = stat("connectTimeouts");
        try (RawWebSocket big = RawWebSocket.open(stomp(), "127.0.0.4")) {
            big.sendText("CONNECT\naccept-version:1.2\n\n" + "z".repeat(8000));
            List<String> seen = new ArrayList<>();
            int code = big.awaitClose(Duration.ofSeconds(5), f -> seen.add(f.text()));
            assertTrue(seen.stream().anyMatch(t -> t.startsWith("ERROR") && t.contains("larger than 4096")), seen + " " + code);
        }
        try (RawWebSocket silent = RawWebSocket.open(stomp(), "127.0.0.4")) {
            long start = System.nanoTime();
            List<String> seen = new ArrayList<>();
            Thread beats = new Thread(() -> {
                try {
                    for (int i = 0; i < 40; i++) {
                        silent.sendText("\n");
                        Thread.sleep(100);
                    }
                } catch (IOException | InterruptedException e) {
                    // closed by the server: expected
                }
            });
            beats.start();
            int code = silent.awaitClose(Duration.ofSeconds(5), f -> seen.add(f.text()));
            long ms = (System.nanoTime() - start) / 1_000_000;
            beats.interrupt();
            assertEquals(1008, code, seen.toString());
            assertTrue(seen.stream().anyMatch(t -> t.contains("CONNECT timeout")), seen.toString());
            assertTrue(ms >= 900 && ms < 4000, "closed after " + ms + " ms (connect timeout 1 s)");
        }
        assertEquals(timeoutsBefore + 1, stat("connectTimeouts"));
    }

    /** Attack 3: a pattern that made matching backtrack for seconds per SEND. */
    @Test
    void aBacktrackingPatternCostsThePublisherNothing() throws Exception {
        try (StompTestClient polite = polite(stomp()); RawWebSocket attacker = attacker(stomp(), "127.0.0.5")) {
            attacker.sendText("SUBSCRIBE\nid:p\ndestination:/topic/" + "**a".repeat(7) + "**b\nreceipt:s\n\n\0");
            assertTrue(attacker.read(Duration.ofSeconds(5)).text().startsWith("RECEIPT"));
            String destination = "/topic/" + "a".repeat(200);
            long start = System.nanoTime();
            for (int i = 0; i < 50; i++) {
                attacker.sendText("SEND\ndestination:" + destination + (i % 2 == 0 ? "" : "b") + "\nreceipt:r" + i + "\n\nx\0");
            }
            int receipts = 0;
            int messages = 0;
            while (receipts < 50 || messages < 25) {
                RawWebSocket.Frame f = attacker.read(Duration.ofSeconds(5));
                assertNotNull(f, receipts + " receipts and " + messages + " messages");
                for (String frame : f.text().split("\0")) { // frames behind a write leave together
                    receipts += frame.startsWith("RECEIPT") ? 1 : 0;
                    messages += frame.startsWith("MESSAGE") ? 1 : 0;
                }
            }
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertEquals(50, receipts);
            assertEquals(25, messages, "the SENDs ending in b match the pattern");
            assertTrue(ms < 2000, "50 SENDs took " + ms + " ms");
            assertTrue(roundTrip(polite, 1) < 1000);
            attacker.sendText("SUBSCRIBE\nid:q\ndestination:/topic/" + "*.".repeat(9) + "\n\n\0");
            String error = awaitError(attacker, Duration.ofSeconds(5));
            assertTrue(error.contains("more than 8 wildcards"), error);
        }
    }

    /** Open connections per address, and handshakes a second per address: refused before any session. */
    @Test
    void connectionsAndHandshakesPerAddressAreLimited() throws Exception {
        List<RawWebSocket> open = new ArrayList<>();
        try (StompTestClient polite = polite(stomp())) {
            RawWebSocket.Refused refused = null;
            try {
                for (int i = 0; i < 25 && refused == null; i++) {
                    try {
                        open.add(RawWebSocket.open(stomp(), "127.0.0.6"));
                    } catch (RawWebSocket.Refused r) {
                        refused = r;
                    }
                }
                assertNotNull(refused);
                assertEquals(429, refused.status);
                assertEquals(20, open.size());
                assertTrue(stat("refusedPerAddress") >= 1);
                assertTrue(roundTrip(polite, 2) < 1000, "another address is not limited");
            } finally {
                open.forEach(RawWebSocket::close);
            }
            await("connections from 127.0.0.6", () -> {
                try {
                    return stat("open") > 1 ? 1 : 0;
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            }, 0);
            int made = 0;
            RawWebSocket.Refused tooFast = null;
            long started = System.nanoTime();
            for (int i = 0; i < 200 && tooFast == null; i++) {
                try (RawWebSocket ws = RawWebSocket.open(stomp(), "127.0.0.7")) {
                    made++;
                } catch (RawWebSocket.Refused r) {
                    tooFast = r;
                }
                await("connections from 127.0.0.7", () -> {
                    try {
                        return stat("open") > 1 ? 1 : 0; // closed before the next: only the rate limits
                    } catch (Exception e) {
                        throw new AssertionError(e);
                    }
                }, 0);
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            assertNotNull(tooFast, "200 handshakes in a row were all taken");
            assertEquals(429, tooFast.status);
            // the bucket: 30 at once, then 20 a second for as long as the loop took (slower on a loaded machine)
            assertTrue(made >= 30 && made <= 30 + 20 * seconds + 2,
                    made + " handshakes in " + seconds + " s before the first refusal (burst 30, 20/s)");
            assertTrue(stat("refusedHandshakeRate") >= 1);
        }
    }

    /**
     * Readers that stop reading: each backlog past 64 KiB is charged to its address, so eight
     * stalled readers on one address are cut at the address's share (before each reaches the
     * per-connection `outbound.queue.max` of 1 MiB), and the charge comes back.
     */
    @Test
    void stalledReadersAreCutAtTheirAddresssShare() throws Exception {
        long refusedBefore = stat("refusedAddress");
        List<RawWebSocket> stalled = new ArrayList<>();
        try (StompTestClient publisher = StompTestClient.connect(stomp())) {
            for (int i = 0; i < 8; i++) {
                RawWebSocket ws = attacker(stomp(), "127.0.0.11");
                ws.sendText("SUBSCRIBE\nid:s\ndestination:/topic/stall\nreceipt:r\n\n\0");
                assertTrue(ws.read(Duration.ofSeconds(5)).text().startsWith("RECEIPT"));
                stalled.add(ws); // and never read again
            }
            String body = "s".repeat(16_000);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            int sent = 0;
            while (stat("refusedAddress") == refusedBefore && System.nanoTime() < deadline) {
                for (int i = 0; i < 20; i++, sent++) {
                    publisher.send(StompFrame.of(StompCommand.SEND, "destination", "/topic/stall").withBody(body));
                }
                publisher.send(StompFrame.of(StompCommand.SEND, "destination", "/topic/none", "receipt", "p" + sent));
                publisher.expect(StompCommand.RECEIPT);
            }
            assertTrue(stat("refusedAddress") > refusedBefore, "no address refusal after " + sent + " messages: " + stats());
            assertTrue(stat("closedSlowConsumer") >= 1);
        } finally {
            stalled.forEach(RawWebSocket::close);
        }
        await("outbound bytes charged", statOf("outbound"), 0);
    }

    /** A transaction is bounded in bytes by the session's budget, not only in frames. */
    @Test
    void aTransactionStopsAtTheSessionsBudget() throws Exception {
        try (RawWebSocket attacker = attacker(stomp(), "127.0.0.8")) {
            attacker.sendText("BEGIN\ntransaction:t\n\n\0");
            String body = "t".repeat(60_000);
            for (int i = 0; i < 200; i++) {
                attacker.sendText("SEND\ndestination:/topic/tx\ntransaction:t\n\n" + body + "\0");
            }
            String error = awaitError(attacker, Duration.ofSeconds(10));
            assertTrue(error.contains("transaction") && error.contains("memory"), error);
        }
        await("budget in use", statOf("used"), 0);
    }

    /** A flood of frames past the session's rate gets an ERROR and the session ends. */
    @Test
    void aFrameFloodIsCut() throws Exception {
        long before = stat("rateLimited");
        try (RawWebSocket attacker = attacker(stomp(), "127.0.0.9")) {
            StringBuilder many = new StringBuilder();
            for (int i = 0; i < 3000; i++) {
                many.append("SEND\ndestination:/topic/flood\n\nx\0");
            }
            attacker.sendText(many.toString());
            String error = awaitError(attacker, Duration.ofSeconds(5));
            assertTrue(error.contains("rate limit"), error);
        }
        assertEquals(before + 1, stat("rateLimited"));
    }

    /** Messages to rooms nobody is in keep nothing; an empty room is forgotten after its TTL. */
    @Test
    void chatRoomsWithoutMembersKeepNothing() throws Exception {
        long rooms = stat("rooms");
        try (RawWebSocket attacker = attacker(stomp(), "127.0.0.10")) {
            for (int i = 0; i < 300; i++) {
                attacker.sendText("SEND\ndestination:/app/chat/room" + i + "\ncontent-type:application/json\n\n"
                        + "{\"text\":\"" + "h".repeat(1000) + "\"}\0");
            }
            attacker.sendText("SEND\ndestination:/app/chat/room0\nreceipt:done\n\n{\"text\":\"x\"}\0");
            RawWebSocket.Frame f;
            while (!(f = attacker.read(Duration.ofSeconds(5))).text().startsWith("RECEIPT")) {
                assertTrue(!f.text().startsWith("ERROR"), f.text());
            }
            assertEquals(rooms, stat("rooms"), "no room was made");
            attacker.sendText("SUBSCRIBE\nid:j\ndestination:/topic/chat.kept\nnickname:eve\nreceipt:j\n\n\0");
            attacker.sendText("UNSUBSCRIBE\nid:j\nreceipt:u\n\n\0");
            while (!(f = attacker.read(Duration.ofSeconds(5))).text().contains("receipt-id:u")) {
                assertTrue(!f.text().startsWith("ERROR"), f.text()); // history, welcome, ENTER, receipt j
            }
        }
        await("rooms", statOf("rooms"), rooms);
        await("chat bytes", statOf("chat"), 0);
        assertTrue(stat("roomsForgotten") >= 1);
    }

    @Test
    void healthAndStatsShowTheLimits() throws Exception {
        String stats = stats();
        assertEquals(NODE_BUDGET, Stats.number(stats, "max"));
        assertEquals(ADDRESS_BUDGET, Stats.number(stats, "perAddressMax"));
        assertEquals(20, Stats.number(stats, "connectionsPerAddressMax"));
    }
}
