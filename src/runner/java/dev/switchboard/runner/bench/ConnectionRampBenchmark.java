package dev.switchboard.runner.bench;

import dev.switchboard.runner.IdleMemoryBenchmark;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.function.BooleanSupplier;

/**
 * Many connections to one node, ramped up (issue 19): N STOMP-over-WebSocket connections to the
 * demo WAR on the embedded runner, from several loopback source addresses (127.0.0.2 and up, so
 * ephemeral ports do not run out), each CONNECTed and subscribed to its own {@code /user/} queue
 * and to one of 100 topics; then one message to each topic, and every connection must get its
 * own. Beside it, in the same run, the floor: as many WebSockets to a bare {@code @ServerEndpoint}
 * that does nothing, in the same runner with the same connector (what Tomcat itself costs).
 *
 * <p>Reported for both: the time to reach N, the handshake's p50/p99 during the ramp (TCP connect
 * to the 101; for STOMP also to the subscription's RECEIPT), heap per connection after full GCs,
 * RSS per connection, and the server's threads at the start, at a tenth of N and at N.
 *
 * <p>The command raises its own open-file limit (and so its server's, which inherits it) to what N
 * needs by starting itself again under {@code ulimit -n}; where the machine's hard limit is lower it
 * says so and stops, naming the most connections that fit.
 *
 * <p>{@code mvn -q package -DskipTests exec:exec -Dswitchboard.main=dev.switchboard.runner.bench.ConnectionRampBenchmark -Dswitchboard.main.args="--connections 100000"}
 */
public final class ConnectionRampBenchmark {

    /** Descriptors a JVM holds besides its connections (jars, selectors, pipes), with room to spare. */
    private static final int OWN_DESCRIPTORS = 1000;
    private static final int IN_FLIGHT = 200;

    private ConnectionRampBenchmark() {
    }

    /** What one ramp measured. */
    record Figures(String label, int reached, int wanted, double seconds, double handshakeP50, double handshakeP99,
                   double readyP50, double readyP99, long heapPerConn, long rssPerConn, int threads0, int threadsTenth,
                   int threadsAll, String delivered, int missed) {
    }

    public static void main(String[] args) throws Exception {
        int connections = 100_000;
        int addresses = 50;
        int topics = 100;
        boolean floor = true;
        String heap = "4g";
        Path war = Path.of("target", "switchboard.war");
        boolean relaunched = false;
        int histogram = 0;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--connections" -> connections = Integer.parseInt(args[++i]);
                case "--addresses" -> addresses = Integer.parseInt(args[++i]);
                case "--topics" -> topics = Integer.parseInt(args[++i]);
                case "--floor" -> floor = Boolean.parseBoolean(args[++i]);
                case "--heap" -> heap = args[++i];
                case "--war" -> war = Path.of(args[++i]);
                case "--relaunched" -> relaunched = true;
                case "--histogram" -> histogram = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        long need = connections + (long) OWN_DESCRIPTORS;
        long[] limits = openFileLimits();
        if (limits[0] < need) {
            if (relaunched || limits[1] < need) {
                System.out.printf(Locale.ROOT, "%,d connections need %,d open files in the server and in this client; "
                        + "this machine allows %,d (soft) and %,d (hard, `ulimit -Hn`), and raising the hard limit needs "
                        + "CAP_SYS_RESOURCE. The most connections that fit here: --connections %d%n",
                        connections, need, limits[0], limits[1], Math.max(0, limits[1] - OWN_DESCRIPTORS));
                System.exit(2);
            }
            System.exit(relaunch(need, args));
        }
        System.out.printf(Locale.ROOT, "Ramp to %,d connections from %d loopback addresses, %d topics; server JVM -Xmx%s, "
                + "open files %,d; %s, %d cores%n", connections, addresses, topics, heap, limits[0],
                java.time.LocalDate.now(), Runtime.getRuntime().availableProcessors());
        HISTOGRAM_ROWS = histogram;
        print(run(war, connections, addresses, topics, floor, heap));
    }

    /** With {@code --histogram N}: the N classes taking the most heap with every connection open, per connection. */
    private static int HISTOGRAM_ROWS;

    /** The floor's ramp (when {@code floor}), then Switchboard's; within this process's open-file limit. */
    static List<Figures> run(Path war, int connections, int addresses, int topics, boolean floor, String heap)
            throws Exception {
        List<Figures> results = new ArrayList<>();
        if (floor) {
            results.add(ramp(IdleMemoryBenchmark.bareWar(), "/bare", false, connections, addresses, topics, heap,
                    "floor: a bare @ServerEndpoint"));
        }
        results.add(ramp(war, "/stomp", true, connections, addresses, topics, heap,
                "Switchboard STOMP (CONNECT, 2 SUBSCRIBEs)"));
        return results;
    }

    /** The soft and hard limits on open files of this process, from /proc. */
    private static long[] openFileLimits() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
            if (line.startsWith("Max open files")) {
                String[] parts = line.substring("Max open files".length()).trim().split("\\s+");
                return new long[] {parse(parts[0]), parse(parts[1])};
            }
        }
        return new long[] {Long.MAX_VALUE, Long.MAX_VALUE};
    }

    private static long parse(String limit) {
        return limit.equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(limit);
    }

    /** This command again, in a shell that raised the open-file limit first; its exit status. */
    private static int relaunch(long openFiles, String[] args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("sh", "-c", "ulimit -n " + openFiles + " && exec \"$@\"", "sh",
                Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), ConnectionRampBenchmark.class.getName()));
        cmd.addAll(List.of(args));
        cmd.add("--relaunched");
        return new ProcessBuilder(cmd).inheritIO().start().waitFor();
    }

    private static Figures ramp(Path war, String path, boolean stomp, int connections, int addresses, int topics,
                                String heap, String label) throws Exception {
        System.out.println("== " + label);
        Map<String, String> settings = Map.of("SWITCHBOARD_IDLE_TIMEOUT", "0");
        List<String> flags = List.of("-Xms" + heap, "-Xmx" + heap, "-XX:+UseG1GC",
                "-Dtomcat.max.connections=" + (connections + OWN_DESCRIPTORS));
        try (ServerProcess server = ServerProcess.switchboard(war, flags, settings, "ramp " + (stomp ? "switchboard" : "floor"));
             ClientLoop loop = new ClientLoop("ramp", 2)) {
            InetSocketAddress address = server.address();
            awaitHttp(address, path);
            long heap0 = server.heapAfterGc();
            long rss0 = server.rss();
            int threads0 = server.threads();
            System.out.println("  server threads at rest: " + threadGroups(server));
            java.util.concurrent.atomic.AtomicBoolean ramping = new java.util.concurrent.atomic.AtomicBoolean(true);
            Histogram handshakes = new Histogram();
            Histogram readies = new Histogram();
            long[] started = new long[connections];
            AtomicInteger opened = new AtomicInteger();
            AtomicInteger ready = new AtomicInteger();
            AtomicInteger closed = new AtomicInteger();
            AtomicIntegerArray got = new AtomicIntegerArray(connections);
            int topicCount = topics;
            ClientLoop.Listener listener = new ClientLoop.Listener() {
                @Override
                public void opened(ClientLoop.Conn conn) {
                    long took = System.nanoTime() - started[conn.id];
                    synchronized (handshakes) {
                        handshakes.record(took);
                    }
                    opened.incrementAndGet();
                    if (stomp) {
                        conn.sendText(StompLoad.CONNECT);
                    } else {
                        ready.incrementAndGet();
                    }
                }

                @Override
                public void frame(ClientLoop.Conn conn, String command, byte[] frame, int bodyStart, int end) {
                    switch (command) {
                        case "CONNECTED" -> {
                            conn.sendText(StompLoad.subscribe("u", "/user/queue/inbox"));
                            conn.sendText(StompLoad.frame("SUBSCRIBE\nid:t\ndestination:/topic/ramp." + (conn.id % topicCount)
                                    + "\nreceipt:r\n\n\0"));
                        }
                        case "RECEIPT" -> {
                            long took = System.nanoTime() - started[conn.id];
                            synchronized (readies) {
                                readies.record(took);
                            }
                            ready.incrementAndGet();
                        }
                        case "MESSAGE" -> got.incrementAndGet(conn.id);
                        default -> System.out.println("connection " + conn.id + ": "
                                + new String(frame, 0, Math.min(end, 200), StandardCharsets.UTF_8).replace('\n', '|'));
                    }
                }

                @Override
                public void closed(ClientLoop.Conn conn, String why) {
                    if (closed.incrementAndGet() <= 5 && ramping.get()) {
                        System.out.println("connection " + conn.id + " closed: " + why);
                    }
                }
            };
            List<ClientLoop.Conn> conns = new ArrayList<>(connections);
            long start = System.nanoTime();
            int threadsTenth = threads0;
            int step = Math.max(1, connections / 10);
            try {
                for (int i = 0; i < connections; i++) {
                    InetAddress from = InetAddress.getByName("127.0.0." + (2 + i % addresses));
                    started[i] = System.nanoTime();
                    conns.add(loop.connect(address, path, listener, ClientLoop.Mode.WEBSOCKET, from));
                    await(() -> conns.size() - ready.get() - closed.get() < IN_FLIGHT, 60, "handshakes in flight");
                    if ((i + 1) % step == 0) {
                        await(() -> ready.get() + closed.get() >= conns.size(), 60, "the ramp's step");
                        int threads = server.threads();
                        if (i + 1 == step) {
                            threadsTenth = threads;
                        }
                        System.out.printf(Locale.ROOT, "  %,7d ready, %d closed, %.1f s, server threads %d%n", ready.get(),
                                closed.get(), (System.nanoTime() - start) / 1e9, threads);
                    }
                    if (closed.get() > 0 && closed.get() >= Math.max(10, i / 100)) {
                        System.out.println("  stopping the ramp: " + closed.get() + " connections closed");
                        break;
                    }
                }
                await(() -> ready.get() + closed.get() >= conns.size(), 120, "every connection ready");
            } catch (IllegalStateException timedOut) {
                System.out.println("  " + timedOut.getMessage());
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            int reached = ready.get();
            int threadsAll = server.threads();
            System.out.println("  server threads with every connection open: " + threadGroups(server));
            String delivered = "–";
            int missed = 0;
            if (stomp && reached > 0) {
                ClientLoop.Conn publisher = conns.get(0);
                for (int t = 0; t < topics; t++) {
                    publisher.sendText(StompLoad.frame("SEND\ndestination:/topic/ramp." + t + "\n\nto topic " + t + "\0"));
                }
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                int missing;
                do {
                    Thread.sleep(200); // the client's pace while it counts; bounded by the deadline
                    missing = 0;
                    for (int i = 0; i < conns.size(); i++) {
                        missing += got.get(i) == 0 ? 1 : 0;
                    }
                } while (missing > closed.get() && System.nanoTime() < deadline);
                int twice = 0;
                for (int i = 0; i < conns.size(); i++) {
                    twice += got.get(i) > 1 ? 1 : 0;
                }
                delivered = String.format(Locale.ROOT, "%,d of %,d got their topic's message (%d twice)",
                        conns.size() - missing, conns.size(), twice);
                missed = missing + twice;
            }
            long heap1 = server.heapAfterGc();
            long rss1 = server.rss();
            if (HISTOGRAM_ROWS > 0) {
                histogram(server, Math.max(1, opened.get() - closed.get()));
            }
            int open = Math.max(1, opened.get() - closed.get());
            ramping.set(false);
            conns.forEach(ClientLoop.Conn::close);
            return new Figures(label, reached, connections, seconds, handshakes.quantileMillis(0.5),
                    handshakes.quantileMillis(0.99), stomp ? readies.quantileMillis(0.5) : Double.NaN,
                    stomp ? readies.quantileMillis(0.99) : Double.NaN, (heap1 - heap0) / open, (rss1 - rss0) / open,
                    threads0, threadsTenth, threadsAll, delivered, missed);
        }
    }

    /**
     * {@code jcmd GC.class_histogram} of the server (a full GC first: live objects only), its
     * largest classes in bytes per open connection.
     */
    private static void histogram(ServerProcess server, int open) throws Exception {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        Process p = new ProcessBuilder(jcmd.toString(), String.valueOf(server.pid()), "GC.class_histogram")
                .redirectErrorStream(true).start();
        List<String> lines = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        p.waitFor(60, TimeUnit.SECONDS);
        System.out.println("  heap by class, live, per open connection (jcmd GC.class_histogram):");
        int shown = 0;
        for (String line : lines) {
            String[] cols = line.trim().split("\\s+");
            if (cols.length >= 4 && cols[0].endsWith(":") && shown < HISTOGRAM_ROWS) {
                System.out.printf(Locale.ROOT, "  | %s | %,.1f | %,d |%n", cols[3], Long.parseLong(cols[1]) / (double) open,
                        Long.parseLong(cols[2]) / open);
                shown++;
            } else if (line.startsWith("Total")) {
                System.out.printf(Locale.ROOT, "  | all classes | %,.1f | %,d |%n", Long.parseLong(cols[1]) / (double) open,
                        Long.parseLong(cols[2]) / open);
            }
        }
    }

    /** The server's threads by name, numbers folded: {@code http-nio-N-exec-N=12, ...}. */
    private static String threadGroups(ServerProcess server) throws Exception {
        java.util.TreeMap<String, Integer> groups = new java.util.TreeMap<>();
        for (String name : server.threadNames()) {
            groups.merge(name.replaceAll("\\d+", "N"), 1, Integer::sum);
        }
        return groups.toString();
    }

    /** Waits until the server answers HTTP on {@code path}'s port (any answer). */
    private static void awaitHttp(InetSocketAddress address, String path) throws Exception {
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        java.net.URI uri = java.net.URI.create("http://127.0.0.1:" + address.getPort() + path);
        await(() -> {
            try {
                http.send(java.net.http.HttpRequest.newBuilder(uri).build(), java.net.http.HttpResponse.BodyHandlers.discarding());
                return true;
            } catch (Exception notYet) {
                return false;
            }
        }, 90, "the server's first answer");
    }

    private static void await(BooleanSupplier condition, int seconds, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("not within " + seconds + " s: " + what);
            }
            Thread.sleep(1);
        }
    }

    private static void print(List<Figures> results) {
        System.out.println();
        StringBuilder header = new StringBuilder("| |");
        StringBuilder rule = new StringBuilder("|---|");
        for (Figures f : results) {
            header.append(' ').append(f.label()).append(" |");
            rule.append("---|");
        }
        System.out.println(header);
        System.out.println(rule);
        row(results, "connections ready / wanted", f -> String.format(Locale.ROOT, "%,d / %,d", f.reached(), f.wanted()));
        row(results, "time to reach them", f -> String.format(Locale.ROOT, "%.1f s", f.seconds()));
        row(results, "handshake (TCP connect to 101) p50 / p99", f -> String.format(Locale.ROOT, "%.2f / %.2f ms",
                f.handshakeP50(), f.handshakeP99()));
        row(results, "connect to subscribed (RECEIPT) p50 / p99", f -> Double.isNaN(f.readyP50()) ? "–"
                : String.format(Locale.ROOT, "%.2f / %.2f ms", f.readyP50(), f.readyP99()));
        row(results, "heap per connection (after full GC)", f -> String.format(Locale.ROOT, "%,d B", f.heapPerConn()));
        row(results, "RSS per connection", f -> String.format(Locale.ROOT, "%,d B", f.rssPerConn()));
        row(results, "server threads: start / a tenth / all", f -> f.threads0() + " / " + f.threadsTenth() + " / " + f.threadsAll());
        row(results, "one message to each topic", Figures::delivered);
    }

    private static void row(List<Figures> results, String name, java.util.function.Function<Figures, String> cell) {
        StringBuilder line = new StringBuilder("| ").append(name).append(" |");
        for (Figures f : results) {
            line.append(' ').append(cell.apply(f)).append(" |");
        }
        System.out.println(line);
    }
}
