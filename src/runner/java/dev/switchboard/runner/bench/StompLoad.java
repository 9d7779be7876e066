package dev.switchboard.runner.bench;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The benchmark's scenarios against one server: fan-out groups (one publisher, N subscribers on
 * one topic), round trips, idle sessions. Everything received is parsed on the client loop's
 * thread; latencies come from a send timestamp (System.nanoTime) in each body.
 */
final class StompLoad {

    static final int BODY_SIZE = 128;

    static final boolean DEBUG = Boolean.getBoolean("bench.debug");

    private final ClientLoop loop;
    private final ServerProcess server;

    StompLoad(ClientLoop loop, ServerProcess server) {
        this.loop = loop;
        this.server = server;
    }

    static byte[] frame(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static final byte[] CONNECT = frame("CONNECT\naccept-version:1.2,1.1\nhost:127.0.0.1\nheart-beat:0,0\n\n\0");

    static byte[] subscribe(String id, String destination) {
        return frame("SUBSCRIBE\nid:" + id + "\ndestination:" + destination + "\n\n\0");
    }

    /** A SEND whose 128-byte body carries a sequence number and the send time. */
    static byte[] send(String destination, long seq) {
        StringBuilder body = new StringBuilder(BODY_SIZE).append('m').append(seq).append(' ').append(System.nanoTime())
                .append(' ');
        while (body.length() < BODY_SIZE) {
            body.append('x');
        }
        return frame("SEND\ndestination:" + destination + "\ncontent-type:text/plain\n\n" + body + "\0");
    }

    /** Reads "m<seq> <nanos> ..." from a body; {seq, nanos} or null for other bodies. */
    static long[] parseBody(byte[] b, int from, int to) {
        if (from >= to || b[from] != 'm') {
            return null;
        }
        long seq = 0;
        int i = from + 1;
        while (i < to && b[i] != ' ') {
            seq = seq * 10 + (b[i++] - '0');
        }
        i++;
        long t = 0;
        while (i < to && b[i] != ' ') {
            t = t * 10 + (b[i++] - '0');
        }
        return new long[] {seq, t};
    }

    // ---- fan-out --------------------------------------------------------------------------

    /** Result of one fan-out step. */
    record Step(double offeredPerSec, double deliveredPerSec, long expected, long delivered, double p50, double p99,
                double p999, int cut, long outOfOrder, double serverCpu, double clientCpu) {
        boolean passed() {
            return delivered == expected && p99 < 50 && cut == 0;
        }
    }

    /** One publisher and N subscribers of one topic. */
    final class FanOut implements ClientLoop.Listener, AutoCloseable {
        final String topic;
        final int n;
        final List<ClientLoop.Conn> subscribers = new ArrayList<>();
        ClientLoop.Conn publisher;
        private volatile boolean publisherReady;
        private final java.util.concurrent.atomic.AtomicInteger connectedCount = new java.util.concurrent.atomic.AtomicInteger();
        private final java.util.concurrent.atomic.AtomicInteger probedCount = new java.util.concurrent.atomic.AtomicInteger();
        private final java.util.concurrent.atomic.AtomicInteger closedCount = new java.util.concurrent.atomic.AtomicInteger();
        private final boolean[] probeSeen;
        private final long[] lastSeq;
        private final java.util.concurrent.atomic.LongAdder deliveredCount = new java.util.concurrent.atomic.LongAdder();
        private final java.util.concurrent.atomic.LongAdder outOfOrderCount = new java.util.concurrent.atomic.LongAdder();
        private final Histogram latency = new Histogram();
        private final java.util.Map<Long, long[]> spread = new java.util.HashMap<>();
        private String lastClose;
        private final int baseId;

        FanOut(String topic, int n) throws Exception {
            this(topic, n, ClientLoop.Mode.WEBSOCKET);
        }

        /** Subscribers carried as {@code mode} says (SockJS transports); the publisher always on plain WebSocket. */
        FanOut(String topic, int n, ClientLoop.Mode mode) throws Exception {
            this(topic, n, mode, null);
        }

        /**
         * With {@code other} (a second node of the same cluster), every other subscriber connects
         * to it; the publisher stays on this load's server.
         */
        FanOut(String topic, int n, ClientLoop.Mode mode, ServerProcess other) throws Exception {
            this.topic = topic;
            this.n = n;
            this.baseId = loop.nextId();
            probeSeen = new boolean[n];
            lastSeq = new long[n];
            for (int i = 0; i < n; i++) {
                String session = "/000/" + Long.toString(System.nanoTime(), 36) + i;
                String path = switch (mode) {
                    case WEBSOCKET -> server.stompPath;
                    case SOCKJS_WEBSOCKET -> server.sockJsPath + session + "/websocket";
                    case SOCKJS_XHR_STREAMING -> server.sockJsPath + session + "/xhr_streaming";
                };
                ServerProcess to = other != null && i % 2 == 1 ? other : server;
                subscribers.add(loop.connect(to.address(), path, this, mode));
                if (i % 200 == 199) {
                    Thread.sleep(50);
                }
            }
            publisher = loop.connect(server.address(), server.stompPath, this);
            await(() -> connectedCount.get() == n && publisherReady, 60, "subscribers to connect (" + n + ")");
            // Spring's simple broker gives no SUBSCRIBE receipt: probe until every subscriber hears.
            long probes = 0;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (probedCount.get() < n - closedCount.get() && System.nanoTime() < deadline) {
                publisher.sendText(StompLoad.frame("SEND\ndestination:" + topic + "\n\np" + probes++ + "\0"));
                Thread.sleep(100);
            }
            if (probedCount.get() < n) {
                throw new IllegalStateException(server.name + ": only " + probedCount.get() + " of " + n + " subscriptions live; " + lastClose);
            }
            Thread.sleep(300); // let stray probes drain
        }

        @Override
        public void opened(ClientLoop.Conn conn) {
            conn.sendText(CONNECT);
        }

        @Override
        public void frame(ClientLoop.Conn conn, String command, byte[] frame, int bodyStart, int end) {
            switch (command) {
                case "CONNECTED" -> {
                    if (conn.id == baseId + n) {
                        publisherReady = true;
                    } else {
                        conn.sendText(subscribe("0", topic));
                        connectedCount.incrementAndGet();
                    }
                }
                case "MESSAGE" -> {
                    int i = conn.id - baseId;
                    long[] m = parseBody(frame, bodyStart, end);
                    if (m == null) {
                        if (!probeSeen[i]) {
                            probeSeen[i] = true;
                            probedCount.incrementAndGet();
                        }
                        return;
                    }
                    long now = System.nanoTime();
                    synchronized (latency) {
                        latency.record(now - m[1]);
                        if (DEBUG) {
                            long[] fl = spread.computeIfAbsent(m[0], k -> new long[] {m[1], now, now});
                            fl[1] = Math.min(fl[1], now);
                            fl[2] = Math.max(fl[2], now);
                        }
                    }
                    if (m[0] <= lastSeq[i]) {
                        outOfOrderCount.increment();
                    }
                    lastSeq[i] = m[0];
                    deliveredCount.increment();
                }
                case "ERROR" -> lastClose = "ERROR " + new String(frame, 0, end, StandardCharsets.UTF_8);
                default -> { }
            }
        }

        @Override
        public void closed(ClientLoop.Conn conn, String why) {
            if (conn.id != baseId + n) {
                closedCount.incrementAndGet();
            }
            lastClose = why;
        }

        int cut() {
            return closedCount.get();
        }

        /** Publishes at {@code rate} messages/s for {@code seconds}, then waits for the deliveries. */
        Step step(double rate, double seconds) throws Exception {
            synchronized (latency) {
                latency.reset();
                spread.clear();
            }
            deliveredCount.reset();
            outOfOrderCount.reset();
            int liveAtStart = n - closedCount.get();
            for (int i = 0; i < n; i++) {
                lastSeq[i] = 0;
            }
            long messages0 = ClientLoop.MESSAGES.sum();
            long frames0 = ClientLoop.FRAMES.sum();
            long serverCpu0 = server.cpuNanos();
            long clientCpu0 = ServerProcess.cpuNanos(ProcessHandle.current().pid());
            long start = System.nanoTime();
            long duration = (long) (seconds * 1e9);
            long sent = 0;
            while (true) {
                long elapsed = System.nanoTime() - start;
                if (elapsed >= duration) {
                    break;
                }
                long due = (long) (elapsed / 1e9 * rate);
                while (sent < due) {
                    if (!publisher.sendText(send(topic, ++sent))) {
                        throw new IllegalStateException("the publisher's connection closed: " + lastClose);
                    }
                }
                // sleep until the next message is due (at least 50 µs, so fast rates send in small bursts)
                long nextDue = start + (long) ((sent + 1) / rate * 1e9);
                LockSupport.parkNanos(Math.max(50_000, nextDue - System.nanoTime()));
            }
            long publishEnd = System.nanoTime();
            double publishSeconds = (publishEnd - start) / 1e9;
            long expected = sent * liveAtStart;
            long waitUntil = publishEnd + TimeUnit.SECONDS.toNanos(3);
            while (deliveredCount.sum() < expected && System.nanoTime() < waitUntil && closedCount.get() < n) {
                Thread.sleep(10);
            }
            long elapsedAll = System.nanoTime() - start;
            double serverCpu = (server.cpuNanos() - serverCpu0) / (double) elapsedAll;
            double clientCpu = (ServerProcess.cpuNanos(ProcessHandle.current().pid()) - clientCpu0) / (double) elapsedAll;
            Thread.sleep(200);
            if (Boolean.getBoolean("bench.debug")) {
                long m = ClientLoop.MESSAGES.sum() - messages0;
                System.out.printf("  (client got %d WebSocket messages carrying %d STOMP frames: %.1f frames a message)%n",
                        m, ClientLoop.FRAMES.sum() - frames0, (ClientLoop.FRAMES.sum() - frames0) / (double) Math.max(1, m));
            }
            long got = deliveredCount.sum();
            if (DEBUG) {
                synchronized (latency) {
                    Histogram first = new Histogram();
                    Histogram width = new Histogram();
                    for (long[] fl : spread.values()) {
                        first.record(fl[1] - fl[0]);
                        width.record(fl[2] - fl[1]);
                    }
                    System.out.printf("  (per message: first delivery p50 %.2f p99 %.2f ms; first to last p50 %.2f p99 %.2f ms)%n",
                            first.quantileMillis(0.5), first.quantileMillis(0.99), width.quantileMillis(0.5), width.quantileMillis(0.99));
                }
            }
            synchronized (latency) {
                return new Step(sent / publishSeconds * liveAtStart, got / Math.max(publishSeconds, (System.nanoTime() - start) / 1e9 - 0.2),
                        expected, got, latency.quantileMillis(0.5), latency.quantileMillis(0.99),
                        latency.quantileMillis(0.999), closedCount.get() - (n - liveAtStart), outOfOrderCount.sum(), serverCpu, clientCpu);
            }
        }

        /**
         * Offers {@code rate} messages/s for {@code seconds} whatever the server keeps up with; half-way,
         * a new client connects and times a round trip. Returns what got through and how the server fared.
         */
        Overload overload(double rate, double seconds) throws Exception {
            deliveredCount.reset();
            int liveAtStart = n - closedCount.get();
            long gc0 = server.gcMillis();
            long start = System.nanoTime();
            long duration = (long) (seconds * 1e9);
            long sent = 0;
            java.util.concurrent.CompletableFuture<double[]> probe = null;
            String stalled = null;
            while (System.nanoTime() - start < duration) {
                long elapsed = System.nanoTime() - start;
                if (probe == null && elapsed > duration / 2) {
                    probe = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                        double ms = firstRoundTrip(10);
                        return new double[] {ms, ms, Double.isNaN(ms) ? 0 : 1};
                    });
                }
                long due = (long) (elapsed / 1e9 * rate);
                while (sent < due && System.nanoTime() - start < duration) {
                    if (!publisher.sendText(send(topic, ++sent))) {
                        stalled = lastClose;
                        break;
                    }
                }
                if (stalled != null) {
                    break;
                }
                LockSupport.parkNanos(100_000);
            }
            double publishSeconds = (System.nanoTime() - start) / 1e9;
            long delivered = deliveredCount.sum();
            long gc1 = server.gcMillis();
            long gc = gc0 < 0 || gc1 < 0 ? -1 : gc1 - gc0;
            double[] rtt;
            try {
                rtt = probe == null ? new double[] {Double.NaN, Double.NaN, 0} : probe.get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                rtt = new double[] {Double.NaN, Double.NaN, 0};
            }
            return new Overload(sent / publishSeconds * liveAtStart, delivered / publishSeconds,
                    closedCount.get() - (n - liveAtStart), gc < 0 ? Double.NaN : Math.min(100, gc / (publishSeconds * 10)), rtt[2] > 0 ? rtt[1] : Double.NaN,
                    stalled);
        }

        @Override
        public void close() {
            subscribers.forEach(ClientLoop.Conn::close);
            publisher.close();
        }
    }

    /**
     * @param gcPercent         share of the phase the server's JVM spent in GC (pauses and concurrent work)
     * @param newClientRttMillis a new client's first round trip, connect included, started half-way; NaN if none
     * @param publisherStalled  why the publisher stopped early (the server stopped reading), or null
     */
    record Overload(double offeredPerSec, double deliveredPerSec, int cut, double gcPercent, double newClientRttMillis,
                    String publisherStalled) { }

    // ---- round trip -----------------------------------------------------------------------

    /** {p50, p99} in ms of ping → own subscription → back, with {@code clients} clients pinging at once. */
    double[] roundTrip(int clients, double seconds) throws Exception {
        Histogram rtt = new Histogram();
        long[] sentAt = new long[clients];
        boolean[] measuring = {false};
        List<ClientLoop.Conn> conns = new ArrayList<>();
        int baseId = loop.nextId();
        int[] ready = {0};
        ClientLoop.Listener listener = new ClientLoop.Listener() {
            @Override
            public void opened(ClientLoop.Conn conn) {
                conn.sendText(CONNECT);
            }

            @Override
            public void frame(ClientLoop.Conn conn, String command, byte[] frame, int bodyStart, int end) {
                int i = conn.id - baseId;
                if (command.equals("CONNECTED")) {
                    conn.sendText(subscribe("0", "/topic/ping." + i));
                    synchronized (ready) {
                        ready[0]++;
                    }
                } else if (command.equals("MESSAGE")) {
                    long[] m = parseBody(frame, bodyStart, end);
                    if (m == null) {
                        return;
                    }
                    long now = System.nanoTime();
                    synchronized (rtt) {
                        if (measuring[0]) {
                            rtt.record(now - m[1]);
                        }
                    }
                    sentAt[i] = System.nanoTime();
                    conn.sendText(send("/topic/ping." + i, m[0] + 1));
                }
            }

            @Override
            public void closed(ClientLoop.Conn conn, String why) {
            }
        };
        for (int i = 0; i < clients; i++) {
            conns.add(loop.connect(server.address(), server.stompPath, listener));
        }
        await(() -> {
            synchronized (ready) {
                return ready[0] == clients;
            }
        }, 30, "round-trip clients");
        Thread.sleep(500);
        for (int i = 0; i < clients; i++) {
            sentAt[i] = System.nanoTime();
            conns.get(i).sendText(send("/topic/ping." + i, 1));
        }
        long end = System.nanoTime() + (long) ((seconds + 1) * 1e9);
        long measureFrom = System.nanoTime() + 1_000_000_000L;
        while (System.nanoTime() < end) {
            Thread.sleep(50);
            if (System.nanoTime() > measureFrom) {
                synchronized (rtt) {
                    measuring[0] = true;
                }
            }
            long now = System.nanoTime();
            for (int i = 0; i < clients; i++) {
                if (now - sentAt[i] > 1_000_000_000L) { // a ping lost before the subscription was live
                    sentAt[i] = now;
                    conns.get(i).sendText(send("/topic/ping." + i, 1));
                }
            }
        }
        conns.forEach(ClientLoop.Conn::close);
        synchronized (rtt) {
            return new double[] {rtt.quantileMillis(0.5), rtt.quantileMillis(0.99), rtt.count()};
        }
    }

    /**
     * A new client's first round trip, in ms from the start of its TCP connect to its first ping
     * coming back (CONNECT and SUBSCRIBE included; pings repeat every 500 ms until one returns);
     * NaN when none returns within {@code seconds}.
     */
    double firstRoundTrip(int seconds) {
        long start = System.nanoTime();
        java.util.concurrent.CompletableFuture<Long> back = new java.util.concurrent.CompletableFuture<>();
        String topic = "/topic/probe." + start;
        ClientLoop.Conn[] conn = new ClientLoop.Conn[1];
        boolean[] subscribed = {false};
        try {
            conn[0] = loop.connect(server.address(), server.stompPath, new ClientLoop.Listener() {
                @Override
                public void opened(ClientLoop.Conn c) {
                    c.sendText(CONNECT);
                }

                @Override
                public void frame(ClientLoop.Conn c, String command, byte[] frame, int bodyStart, int end) {
                    if (command.equals("CONNECTED")) {
                        c.sendText(subscribe("0", topic));
                        synchronized (subscribed) {
                            subscribed[0] = true;
                        }
                    } else if (command.equals("MESSAGE")) {
                        back.complete(System.nanoTime());
                    }
                }

                @Override
                public void closed(ClientLoop.Conn c, String why) {
                }
            });
            long deadline = start + TimeUnit.SECONDS.toNanos(seconds);
            long seq = 0;
            while (System.nanoTime() < deadline && !back.isDone()) {
                boolean ready;
                synchronized (subscribed) {
                    ready = subscribed[0];
                }
                if (ready) {
                    conn[0].sendText(send(topic, ++seq));
                }
                try {
                    back.get(ready ? 500 : 20, TimeUnit.MILLISECONDS);
                } catch (java.util.concurrent.TimeoutException notYet) {
                    // ping again
                }
            }
            return back.isDone() ? (back.get() - start) / 1e6 : Double.NaN;
        } catch (Exception e) {
            return Double.NaN;
        } finally {
            if (conn[0] != null) {
                conn[0].close();
            }
        }
    }

    // ---- idle -----------------------------------------------------------------------------

    /** {heap bytes/conn, RSS bytes/conn, connections that stayed open} for N connected, subscribed sessions. */
    long[] idle(int connections) throws Exception {
        return idle(connections, ClientLoop.Mode.WEBSOCKET);
    }

    /** As {@link #idle(int)}, the sessions over {@code mode} (a SockJS transport, say). */
    long[] idle(int connections, ClientLoop.Mode mode) throws Exception {
        long descriptors0 = server.descriptors();
        long heap0 = server.heapAfterGc();
        long rss0 = server.rss();
        int[] subscribedCount = {0};
        int[] closed = {0};
        List<ClientLoop.Conn> conns = new ArrayList<>();
        ClientLoop.Listener listener = new ClientLoop.Listener() {
            @Override
            public void opened(ClientLoop.Conn conn) {
                conn.sendText(CONNECT);
            }

            @Override
            public void frame(ClientLoop.Conn conn, String command, byte[] frame, int bodyStart, int end) {
                if (command.equals("CONNECTED")) {
                    conn.sendText(subscribe("0", "/topic/idle." + (conn.id % 100)));
                    synchronized (subscribedCount) {
                        subscribedCount[0]++;
                    }
                }
            }

            @Override
            public void closed(ClientLoop.Conn conn, String why) {
                synchronized (closed) {
                    closed[0]++;
                }
            }
        };
        for (int i = 0; i < connections; i++) {
            String session = "/000/idle" + Long.toString(System.nanoTime(), 36) + i;
            String path = switch (mode) {
                case WEBSOCKET -> server.stompPath;
                case SOCKJS_WEBSOCKET -> server.sockJsPath + session + "/websocket";
                case SOCKJS_XHR_STREAMING -> server.sockJsPath + session + "/xhr_streaming";
            };
            conns.add(loop.connect(server.address(), path, listener, mode));
            while (true) {
                int inFlight;
                synchronized (subscribedCount) {
                    synchronized (closed) {
                        inFlight = conns.size() - subscribedCount[0] - closed[0];
                    }
                }
                if (inFlight < 200) {
                    break;
                }
                Thread.sleep(1);
            }
        }
        await(() -> {
            synchronized (subscribedCount) {
                synchronized (closed) {
                    return subscribedCount[0] + closed[0] >= connections;
                }
            }
        }, 120, "idle sessions");
        Thread.sleep(3000);
        long heap1 = server.heapAfterGc();
        long rss1 = server.rss();
        int open;
        synchronized (closed) {
            open = connections - closed[0];
        }
        long hold = Long.getLong("bench.hold.seconds", 0);
        if (hold > 0) {
            System.out.println("holding " + open + " idle sessions for " + hold + " s (server pid " + server.pid() + ")");
            Thread.sleep(hold * 1000);
        }
        conns.forEach(ClientLoop.Conn::close);
        // the next measurement starts from a server that has let these go (sockets closed, not still closing)
        await(() -> {
            try {
                return server.descriptors() <= descriptors0 + 20;
            } catch (Exception gone) {
                return true;
            }
        }, 60, "the server closing the idle sessions");
        return new long[] {(heap1 - heap0) / Math.max(1, open), (rss1 - rss0) / Math.max(1, open), open};
    }

    interface Condition {
        boolean met() throws Exception;
    }

    static void await(Condition condition, int seconds, String what) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.met()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }
}
