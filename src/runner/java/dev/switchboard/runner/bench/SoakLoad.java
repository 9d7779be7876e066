package dev.switchboard.runner.bench;

import dev.switchboard.stomp.StompCommand;
import dev.switchboard.stomp.StompFrame;
import dev.switchboard.testing.StompTestClient;
import dev.switchboard.testing.TestSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The soak's clients, each kind on a thread of its own until the load ends: what a chat and
 * notifications site sees. Connections come and go (half with DISCONNECT, half dropped without a
 * word), with a heart-beat timer each; topics and {@code /user/} messages; {@code /queue/}
 * messages sent with receipts and taken with ACKs and NACKs by consumers that now and then drop
 * their connection with messages unacknowledged; subscribers that stop reading and get cut; SockJS
 * sessions opened and never polled again; chat rooms joined and abandoned; and a probe measuring
 * round trips. The pauses are the clients' own pace, not waits for the server.
 */
final class SoakLoad {

    private static final Duration BOUND = Duration.ofSeconds(10);
    private static final int TOPICS = 10;
    private static final int QUEUES = 4;
    private static final int ROOMS = 20;

    private final URI stomp;
    private final URI http;
    private final long endNanos;
    private final List<Thread> threads = new ArrayList<>();
    private final Set<String> users = ConcurrentHashMap.newKeySet();
    /** The user name the calling thread's last CONNECTED gave (null for none). */
    private final ThreadLocal<String> lastUser = new ThreadLocal<>();
    private final Set<Long> accepted = ConcurrentHashMap.newKeySet();
    private final Set<Long> consumed = ConcurrentHashMap.newKeySet();
    private final AtomicLong nextQueued = new AtomicLong();
    private volatile boolean producing = true;
    private volatile boolean consuming = true;
    final LongAdder connections = new LongAdder();
    final LongAdder failures = new LongAdder();
    /** Each actor's first failure, for the report. */
    final java.util.Map<String, String> firstFailures = new ConcurrentHashMap<>();
    /** The probe's round trips (µs) since the sampler last took them. */
    private final java.util.concurrent.ConcurrentLinkedQueue<Long> roundTrips = new java.util.concurrent.ConcurrentLinkedQueue<>();

    SoakLoad(int port, Duration load) {
        this.stomp = URI.create("ws://127.0.0.1:" + port + "/stomp");
        this.http = URI.create("http://127.0.0.1:" + port + "/");
        this.endNanos = System.nanoTime() + load.toNanos();
    }

    void start() {
        for (int i = 0; i < 3; i++) {
            spawn("churn-" + i, this::churn);
        }
        spawn("publisher", this::publish);
        spawn("producer", this::produce);
        for (int i = 0; i < 2; i++) {
            spawn("consumer-" + i, this::consume);
        }
        spawn("slow-readers", this::slowReaders);
        spawn("sockjs", this::abandonSockJs);
        spawn("probe", this::probe);
    }

    /** Queue messages accepted with a RECEIPT and not (yet) taken with an ACK. */
    Set<Long> unconsumed() {
        Set<Long> left = ConcurrentHashMap.newKeySet();
        left.addAll(accepted);
        left.removeAll(consumed);
        return left;
    }

    /** The p99 of the round trips since the last call, in ms (NaN when none). */
    double takeP99Millis() {
        List<Long> taken = new ArrayList<>();
        for (Long v = roundTrips.poll(); v != null; v = roundTrips.poll()) {
            taken.add(v);
        }
        if (taken.isEmpty()) {
            return Double.NaN;
        }
        taken.sort(null);
        return taken.get((int) Math.min(taken.size() - 1, Math.ceil(0.99 * taken.size()) - 1)) / 1000.0;
    }

    long acceptedCount() {
        return accepted.size();
    }

    /** Ends the load: the producer stops at once; consumers go on until every accepted message is taken or {@code drain} passes. */
    void stop(Duration drain) throws InterruptedException {
        producing = false;
        long deadline = System.nanoTime() + drain.toNanos();
        while (!unconsumed().isEmpty() && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(100);
        }
        consuming = false;
        for (Thread t : threads) {
            t.join(TimeUnit.SECONDS.toMillis(30));
        }
    }

    private boolean loading() {
        return System.nanoTime() < endNanos;
    }

    private void spawn(String name, Actor actor) {
        Thread t = new Thread(() -> {
            while (loading() || name.startsWith("consumer") && consuming) {
                try {
                    actor.run();
                } catch (Exception | AssertionError e) {
                    failures.increment(); // a connection refused or cut mid-step: the actor starts over
                    firstFailures.putIfAbsent(name, String.valueOf(e));
                }
            }
        }, "soak-" + name);
        t.setDaemon(true);
        threads.add(t);
        t.start();
    }

    @FunctionalInterface
    private interface Actor {
        void run() throws Exception;
    }

    private StompTestClient connect(String heartBeat) throws TestSocket.Refused {
        StompTestClient c = StompTestClient.open(stomp, "v12.stomp");
        c.send(StompFrame.of(StompCommand.CONNECT, "accept-version", "1.2", "heart-beat", heartBeat));
        StompFrame connected = c.expect(StompCommand.CONNECTED);
        connections.increment();
        String user = connected.header("user-name");
        lastUser.set(user);
        if (user != null) {
            users.add(user);
        }
        return c;
    }

    /** A visitor: connects (asking for server heart-beats every second), subscribes, maybe chats, leaves one way or the other. */
    private void churn() throws Exception {
        StompTestClient c = connect("0,1000");
        try {
            visit(c, lastUser.get());
        } catch (Exception | AssertionError e) {
            c.socket().abort();
            throw e;
        }
    }

    private void visit(StompTestClient c, String user) throws Exception {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        c.send(StompFrame.of(StompCommand.SUBSCRIBE, "id", "t", "destination", "/topic/soak." + random.nextInt(TOPICS)));
        c.send(StompFrame.of(StompCommand.SUBSCRIBE, "id", "u", "destination", "/user/queue/soak"));
        if (random.nextInt(4) == 0) {
            String room = "soak-" + random.nextInt(ROOMS);
            c.send(StompFrame.of(StompCommand.SUBSCRIBE, "id", "c", "destination", "/topic/chat." + room,
                    "nickname", "v" + random.nextInt(1_000_000)));
            c.send(StompFrame.of(StompCommand.SEND, "destination", "/app/chat/" + room, "content-type", "application/json")
                    .withBody("{\"type\":\"TALK\",\"text\":\"hello\"}"));
        }
        pace(100, 1500);
        if (user != null) {
            users.remove(user);
        }
        if (random.nextBoolean()) {
            disconnect(c);
        } else {
            c.socket().abort();
        }
    }

    /** Topic messages every 10 ms, a user message every 50 ms, and an 8 KB firehose every 5 ms for the slow readers. */
    private void publish() throws Exception {
        try (StompTestClient c = connect("0,0")) {
            String firehose = "f".repeat(8192);
            for (long i = 0; loading(); i++) {
                c.send(StompFrame.of(StompCommand.SEND, "destination", "/topic/soak.firehose").withBody(firehose));
                if (i % 2 == 0) {
                    c.send(StompFrame.of(StompCommand.SEND, "destination", "/topic/soak." + (i / 2) % TOPICS).withBody("t" + i));
                }
                String user = i % 10 == 0 ? users.stream().findAny().orElse(null) : null;
                if (user != null) {
                    c.send(StompFrame.of(StompCommand.SEND, "destination", "/user/" + user + "/queue/soak").withBody("u" + i));
                }
                c.poll(Duration.ZERO); // nothing is expected; keep the client's inbox empty
                pace(5, 5);
            }
        }
    }

    /** Queue messages, each with a receipt: only a RECEIPT makes it "accepted", and accepted ones must all be consumed. */
    private void produce() throws Exception {
        try (StompTestClient c = connect("0,0")) {
            while (producing && loading()) {
                long n = nextQueued.incrementAndGet();
                c.send(StompFrame.of(StompCommand.SEND, "destination", "/queue/soak." + n % QUEUES, "receipt", "q" + n)
                        .withBody(Long.toString(n)));
                StompFrame answer = c.expect(StompCommand.RECEIPT);
                if (!("q" + n).equals(answer.header("receipt-id"))) {
                    throw new IllegalStateException("receipt for " + answer.header("receipt-id") + ", not q" + n);
                }
                accepted.add(n);
                pace(10, 10);
            }
        }
    }

    /** Takes queue messages: ACK most, NACK one in ten (it comes back), and every few seconds drop the connection with whatever is unacknowledged. */
    private void consume() throws Exception {
        StompTestClient c = connect("0,0");
        try {
            consume(c);
        } catch (Exception | AssertionError e) {
            c.socket().abort();
            throw e;
        }
    }

    private void consume(StompTestClient c) throws Exception {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int q = 0; q < QUEUES; q++) {
            c.send(StompFrame.of(StompCommand.SUBSCRIBE, "id", "q" + q, "destination", "/queue/soak." + q,
                    "ack", "client-individual"));
        }
        long dropAt = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(random.nextLong(2000, 6000));
        while (consuming) {
            if (producing && loading() && System.nanoTime() > dropAt) {
                c.socket().abort(); // unacknowledged messages go back to the queue
                return;
            }
            StompFrame f = c.poll(Duration.ofMillis(200));
            if (f == null || f.command() != StompCommand.MESSAGE) {
                continue;
            }
            boolean nack = random.nextInt(10) == 0;
            c.send(StompFrame.of(nack ? StompCommand.NACK : StompCommand.ACK, "id", f.header("ack")));
            if (!nack) {
                consumed.add(Long.parseLong(f.bodyText()));
            }
        }
        disconnect(c); // MESSAGEs that came before the RECEIPT go back to the queue as the session ends
    }

    /** A subscriber to the firehose that never reads: the server must cut it (slow consumer), not hold its messages. */
    private void slowReaders() throws Exception {
        TestSocket socket = TestSocket.connectNotReading(stomp);
        connections.increment();
        try {
            subscribeAndStall(socket);
        } finally {
            socket.abort();
        }
    }

    private void subscribeAndStall(TestSocket socket) throws InterruptedException {
        socket.sendText("CONNECT\naccept-version:1.2\nheart-beat:0,0\n\n\0");
        socket.sendText("SUBSCRIBE\nid:1\ndestination:/topic/soak.firehose\n\n\0");
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < until && !socket.isClosed() && loading()) {
            pace(200, 200);
        }
    }

    /** SockJS sessions over xhr polling, opened and then left: the server times them out. */
    private void abandonSockJs() throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        URI session = http.resolve("sockjs/stomp/000/" + UUID.randomUUID().toString().replace("-", "") + "/");
        HttpResponse<String> open = client.send(HttpRequest.newBuilder(session.resolve("xhr"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        if (!open.body().startsWith("o")) {
            throw new IllegalStateException("SockJS open: " + open.statusCode());
        }
        connections.increment();
        client.send(HttpRequest.newBuilder(session.resolve("xhr_send")).POST(HttpRequest.BodyPublishers.ofString(
                "[\"CONNECT\\naccept-version:1.2\\n\\n\\u0000\"]")).build(), HttpResponse.BodyHandlers.discarding());
        pace(300, 700);
    }

    /** Round trips through a topic every 20 ms: the p99 of each sample. */
    private void probe() throws Exception {
        try (StompTestClient c = connect("0,0")) {
            c.send(StompFrame.of(StompCommand.SUBSCRIBE, "id", "p", "destination", "/topic/soak.probe", "receipt", "r"));
            c.expect(StompCommand.RECEIPT);
            while (loading()) {
                long sent = System.nanoTime();
                c.send(StompFrame.of(StompCommand.SEND, "destination", "/topic/soak.probe").withBody(Long.toString(sent)));
                StompFrame m = c.expect(StompCommand.MESSAGE);
                roundTrips.add((System.nanoTime() - Long.parseLong(m.bodyText())) / 1000);
                pace(20, 20);
            }
        }
    }

    /** DISCONNECT with a receipt, skipping what arrives before it (bounded), then close. */
    private static void disconnect(StompTestClient c) {
        c.send(StompFrame.of(StompCommand.DISCONNECT, "receipt", "bye"));
        for (StompFrame f = c.poll(BOUND); f != null && f.command() != StompCommand.RECEIPT; f = c.poll(BOUND)) {
            // a frame sent before the receipt
        }
        c.close();
    }

    private static void pace(long fromMillis, long toMillis) throws InterruptedException {
        TimeUnit.MILLISECONDS.sleep(fromMillis == toMillis ? fromMillis
                : ThreadLocalRandom.current().nextLong(fromMillis, toMillis));
    }
}
