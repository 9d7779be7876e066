package dev.switchboard.runner.bench;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Two nodes through Redis against one node, in one run on this machine: a publisher on node A and
 * N subscribers (1000) split over nodes A and B, through a private {@code redis-server} (Debian's,
 * a free port, nothing on disk), beside the same load on a single node without the relay. Prints
 * deliveries/s at the highest rate delivered in full with p99 under 50 ms, p99 with 10 messages/s
 * published to the N subscribers, and the Redis connections of the nodes
 * with 10,000 idle sessions (each subscribed to a topic of its own) open on the two nodes.
 *
 * <p>Options: {@code --war PATH} (required), {@code --subscribers N} (1000), {@code --step-seconds S}
 * (2), {@code --fixed-seconds S} (10), {@code --idle N} (10000), {@code --redis-cluster true} (also
 * the two nodes through a Redis Cluster of three masters, {@code redis-cluster://}). Both nodes,
 * Redis and the client share the machine's cores: compare the columns, not with other machines.
 */
public final class ClusterBenchmark {

    private static final List<String> FLAGS = List.of("-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch");

    private record Result(StompLoad.Step fixed, StompLoad.Step best, StompLoad.Step failed) { }

    private ClusterBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path war = null;
        int n = 1000;
        double stepSeconds = 2;
        double fixedSeconds = 10;
        int idle = 10_000;
        boolean redisCluster = false;
        for (int i = 0; i < args.length; i += 2) {
            switch (args[i]) {
                case "--war" -> war = Path.of(args[i + 1]);
                case "--subscribers" -> n = Integer.parseInt(args[i + 1]);
                case "--step-seconds" -> stepSeconds = Double.parseDouble(args[i + 1]);
                case "--fixed-seconds" -> fixedSeconds = Double.parseDouble(args[i + 1]);
                case "--idle" -> idle = Integer.parseInt(args[i + 1]);
                case "--redis-cluster" -> redisCluster = Boolean.parseBoolean(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (war == null || !Files.exists(war)) {
            throw new IllegalArgumentException("--war must name the built WAR (mvn package)");
        }
        int redisPort = ServerProcess.freePort();
        Path redisDir = Files.createDirectories(Path.of("target", "cluster-benchmark-redis"));
        Process redis = new ProcessBuilder("redis-server", "--port", String.valueOf(redisPort), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--dir", redisDir.toAbsolutePath().toString())
                .redirectErrorStream(true).redirectOutput(new File("target/cluster-benchmark-redis.log")).start();
        try {
            awaitRedis(redisPort);
            Result single;
            log("=== one node, no relay: publisher and %d subscribers on it", n);
            try (ServerProcess node = ServerProcess.switchboard(war, FLAGS, Map.of(), "Switchboard single node");
                 ClientLoop loop = new ClientLoop("bench-single", StompBenchmark.CLIENT_THREADS)) {
                single = fanOut(new StompLoad(loop, node), null, n, stepSeconds, fixedSeconds);
            }
            Map<String, String> relay = Map.of("SWITCHBOARD_BROKER_RELAY", "redis://127.0.0.1:" + redisPort);
            Result cluster;
            long[] connections;
            log("=== two nodes through Redis: publisher on A, %d subscribers split over A and B", n);
            try (ServerProcess a = ServerProcess.switchboard(war, FLAGS, relay, "Switchboard node A");
                 ServerProcess b = ServerProcess.switchboard(war, FLAGS, relay, "Switchboard node B");
                 ClientLoop loop = new ClientLoop("bench-cluster", StompBenchmark.CLIENT_THREADS)) {
                cluster = fanOut(new StompLoad(loop, a), b, n, stepSeconds, fixedSeconds);
                connections = idleSessions(loop, a, b, idle, () -> sum(List.of(redisPort), ClusterBenchmark::redisClients),
                        () -> sum(List.of(redisPort), ClusterBenchmark::redisChannels));
            }
            Result apart;
            log("=== two nodes, no relay (the cost of a second JVM on these cores): a publisher and %d subscribers on each",
                    n / 2);
            try (ServerProcess a = ServerProcess.switchboard(war, FLAGS, Map.of(), "Switchboard apart A");
                 ServerProcess b = ServerProcess.switchboard(war, FLAGS, Map.of(), "Switchboard apart B");
                 ClientLoop loop = new ClientLoop("bench-apart", StompBenchmark.CLIENT_THREADS)) {
                apart = fanOutApart(new StompLoad(loop, a), new StompLoad(loop, b), n / 2, stepSeconds, fixedSeconds);
            }
            print(n, single, cluster, apart, idle, connections);
            if (redisCluster) {
                throughRedisCluster(war, n, stepSeconds, fixedSeconds, single, idle);
            }
        } finally {
            redis.destroy();
            redis.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /**
     * The cross-node run again through a Redis Cluster of three masters (private redis-servers,
     * joined by redis-cli), with the nodes' Redis connections summed over the three.
     */
    private static void throughRedisCluster(Path war, int n, double stepSeconds, double fixedSeconds, Result single,
                                            int idle) throws Exception {
        List<Process> masters = new ArrayList<>();
        List<Integer> ports = new ArrayList<>();
        Path dir = Files.createDirectories(Path.of("target", "cluster-benchmark-redis-cluster"));
        try {
            for (int i = 0; i < 3; i++) {
                int port = ServerProcess.freePort();
                ports.add(port);
                masters.add(new ProcessBuilder("redis-server", "--port", String.valueOf(port), "--bind", "127.0.0.1",
                        "--save", "", "--appendonly", "no", "--dir", dir.toAbsolutePath().toString(),
                        "--cluster-enabled", "yes", "--cluster-config-file", "nodes-" + port + ".conf")
                        .redirectErrorStream(true).redirectOutput(dir.resolve("redis-" + port + ".log").toFile()).start());
                awaitRedis(port);
            }
            List<String> create = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
            ports.forEach(p -> create.add("127.0.0.1:" + p));
            create.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
            Process made = new ProcessBuilder(create).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("create.log").toFile()).start();
            if (!made.waitFor(60, TimeUnit.SECONDS) || made.exitValue() != 0) {
                throw new IllegalStateException("redis-cli --cluster create failed; see " + dir.resolve("create.log"));
            }
            StompLoad.await(() -> ports.stream().allMatch(p -> {
                try {
                    return redis(p, "CLUSTER", "INFO").contains("cluster_state:ok");
                } catch (Exception e) {
                    return false;
                }
            }), 60, "the Redis Cluster");
            String uri = "redis-cluster://" + ports.stream().map(p -> "127.0.0.1:" + p)
                    .collect(java.util.stream.Collectors.joining(","));
            Map<String, String> relay = Map.of("SWITCHBOARD_BROKER_RELAY", uri);
            log("=== two nodes through a Redis Cluster of 3 masters: publisher on A, %d subscribers split over A and B", n);
            try (ServerProcess a = ServerProcess.switchboard(war, FLAGS, relay, "Switchboard node A (cluster)");
                 ServerProcess b = ServerProcess.switchboard(war, FLAGS, relay, "Switchboard node B (cluster)");
                 ClientLoop loop = new ClientLoop("bench-redis-cluster", StompBenchmark.CLIENT_THREADS)) {
                Result r = fanOut(new StompLoad(loop, a), b, n, stepSeconds, fixedSeconds);
                long[] with = idleSessions(loop, a, b, idle, () -> sum(ports, ClusterBenchmark::redisClients),
                        () -> sum(ports, ClusterBenchmark::redisChannels));
                System.out.printf(Locale.ROOT, "%nthrough a Redis Cluster of 3 masters: max %s, first failed %s; p50 / p99"
                        + " at 10 msg/s %.2f / %.2f ms (%.2fx single-node); cross-node max / single-node max %.0f%%;"
                        + " Redis connections (the 3 masters together) %d with no client, %d with %d idle sessions%n",
                        max(r), failed(r), r.fixed.p50(), r.fixed.p99(), r.fixed.p99() / Math.max(0.01, single.fixed.p99()),
                        r.best == null || single.best == null ? 0 : 100 * r.best.deliveredPerSec() / single.best.deliveredPerSec(),
                        with[0], with[1], with[2]);
            }
        } finally {
            for (Process m : masters) {
                m.destroy();
                m.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    /** What one Redis answers for a port. */
    private interface PerRedis {
        long of(int port) throws Exception;
    }

    private static long sum(List<Integer> ports, PerRedis what) {
        long total = 0;
        for (int p : ports) {
            try {
                total += what.of(p);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        return total;
    }

    private static Result fanOut(StompLoad load, ServerProcess other, int n, double stepSeconds, double fixedSeconds)
            throws Exception {
        try (StompLoad.FanOut group = load.new FanOut("/topic/cluster-bench", n, ClientLoop.Mode.WEBSOCKET, other)) {
            return ramp(group::step, n, "1->" + n, stepSeconds, fixedSeconds);
        }
    }

    /**
     * The same deliveries on two nodes that share nothing: a publisher and {@code half} subscribers
     * on each, both publishing at once at each step; a step passes when both do. Deliveries/s are
     * the two nodes' sum.
     */
    private static Result fanOutApart(StompLoad onA, StompLoad onB, int half, double stepSeconds, double fixedSeconds)
            throws Exception {
        java.util.concurrent.ExecutorService both = java.util.concurrent.Executors.newFixedThreadPool(2);
        try (StompLoad.FanOut a = onA.new FanOut("/topic/apart", half);
             StompLoad.FanOut b = onB.new FanOut("/topic/apart", half)) {
            return ramp((rate, seconds) -> together(both, a, b, rate, seconds), 2 * half, "2 x 1->" + half,
                    stepSeconds, fixedSeconds);
        } finally {
            both.shutdownNow();
        }
    }

    /** One step of a load: publish at a rate (messages/s) for some seconds, and what came of it. */
    private interface Stepper {
        StompLoad.Step step(double rate, double seconds) throws Exception;
    }

    /**
     * A warm-up, the fixed rate (10 messages/s) for {@code fixedSeconds}, then rates 1.5 times
     * higher each step until one fails (every message in full with p99 under 50 ms).
     */
    private static Result ramp(Stepper load, int deliveriesPerMessage, String label, double stepSeconds,
                               double fixedSeconds) throws Exception {
        load.step(10, 3); // warm-up
        StompLoad.Step fixed = load.step(10, fixedSeconds);
        log("%s at 10 msg/s: %s", label, fixed);
        double rate = 20_000.0 / deliveriesPerMessage;
        StompLoad.Step best = null;
        StompLoad.Step failed = null;
        while (rate * deliveriesPerMessage <= 4_000_000) {
            StompLoad.Step step = load.step(rate, stepSeconds);
            log("%s offered %.0f msg/s: %s %s", label, rate, step, step.passed() ? "PASS" : "FAIL");
            if (!step.passed()) {
                failed = step;
                break;
            }
            best = step;
            rate *= 1.5;
        }
        return new Result(fixed, best, failed);
    }

    /** Both groups' step at once, summed (deliveries, offered) and worst of (p99, cuts). */
    private static StompLoad.Step together(java.util.concurrent.ExecutorService both, StompLoad.FanOut a,
                                           StompLoad.FanOut b, double rate, double seconds) throws Exception {
        java.util.concurrent.Future<StompLoad.Step> fa = both.submit(() -> a.step(rate, seconds));
        java.util.concurrent.Future<StompLoad.Step> fb = both.submit(() -> b.step(rate, seconds));
        StompLoad.Step x = fa.get();
        StompLoad.Step y = fb.get();
        return new StompLoad.Step(x.offeredPerSec() + y.offeredPerSec(), x.deliveredPerSec() + y.deliveredPerSec(),
                x.expected() + y.expected(), x.delivered() + y.delivered(), Math.max(x.p50(), y.p50()),
                Math.max(x.p99(), y.p99()), Math.max(x.p999(), y.p999()), x.cut() + y.cut(),
                x.outOfOrder() + y.outOfOrder(), x.serverCpu() + y.serverCpu(), x.clientCpu());
    }

    /**
     * Opens {@code count} idle sessions, half on each node, each subscribed to a topic of its own
     * (so each node subscribes to thousands of Redis channels), and counts Redis's clients before
     * and with them open: {before, with, open sessions, channels}.
     */
    private static long[] idleSessions(ClientLoop loop, ServerProcess a, ServerProcess b, int count,
                                       java.util.function.LongSupplier clients, java.util.function.LongSupplier channels)
            throws Exception {
        long before = clients.getAsLong();
        AtomicInteger subscribed = new AtomicInteger();
        AtomicInteger closed = new AtomicInteger();
        ClientLoop.Listener listener = new ClientLoop.Listener() {
            @Override
            public void opened(ClientLoop.Conn conn) {
                conn.sendText(StompLoad.CONNECT);
            }

            @Override
            public void frame(ClientLoop.Conn conn, String command, byte[] frame, int bodyStart, int end) {
                if (command.equals("CONNECTED")) {
                    conn.sendText(StompLoad.subscribe("0", "/topic/idle." + conn.id));
                    subscribed.incrementAndGet();
                }
            }

            @Override
            public void closed(ClientLoop.Conn conn, String why) {
                closed.incrementAndGet();
            }
        };
        List<ClientLoop.Conn> conns = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ServerProcess to = i % 2 == 0 ? a : b;
            conns.add(loop.connect(to.address(), to.stompPath, listener));
            while (conns.size() - subscribed.get() - closed.get() >= 200) {
                Thread.sleep(1);
            }
        }
        StompLoad.await(() -> subscribed.get() + closed.get() >= count, 120, "idle sessions");
        Thread.sleep(2000); // their SUBSCRIBEs reach Redis
        long with = clients.getAsLong();
        long subscribedChannels = channels.getAsLong();
        long open = count - closed.get();
        log("idle: %d sessions open, Redis clients %d before and %d with them, %d channels subscribed",
                open, before, with, subscribedChannels);
        conns.forEach(ClientLoop.Conn::close);
        return new long[] {before, with, open, subscribedChannels};
    }

    private static long redisClients(int port) throws Exception {
        // CLIENT LIST names every connection, the asking redis-cli's too
        return redis(port, "CLIENT", "LIST").lines().filter(l -> !l.isBlank()).count() - 1;
    }

    private static long redisChannels(int port) throws Exception {
        return redis(port, "PUBSUB", "CHANNELS", "switchboard:/topic/idle.*").lines().filter(l -> !l.isBlank()).count();
    }

    /** One command through Debian's redis-cli (no client code of ours speaks Redis's protocol). */
    private static String redis(int port, String... command) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("redis-cli", "-h", "127.0.0.1", "-p", String.valueOf(port)));
        cmd.addAll(List.of(command));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(10, TimeUnit.SECONDS);
        return out;
    }

    private static void awaitRedis(int port) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!redis(port, "PING").trim().equals("PONG")) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("redis-server did not start; see target/cluster-benchmark-redis.log");
            }
            Thread.sleep(100);
        }
    }

    private static void print(int n, Result single, Result cluster, Result apart, int idle, long[] connections) {
        System.out.println();
        System.out.printf(Locale.ROOT, "| %d subscribers | one node | two nodes through Redis | two nodes apart (no relay; a publisher each) |%n", n);
        System.out.println("|---|---|---|---|");
        System.out.printf(Locale.ROOT, "| deliveries/s, highest rate delivered in full with p99 < 50 ms | %s | %s | %s |%n",
                max(single), max(cluster), max(apart));
        System.out.printf(Locale.ROOT, "| p50 / p99 at 10 msg/s (%d deliveries/s) | %.2f / %.2f ms | %.2f / %.2f ms | %.2f / %.2f ms |%n",
                10 * n, single.fixed.p50(), single.fixed.p99(), cluster.fixed.p50(), cluster.fixed.p99(),
                apart.fixed.p50(), apart.fixed.p99());
        System.out.printf(Locale.ROOT, "| first rate that failed | %s | %s | %s |%n", failed(single), failed(cluster),
                failed(apart));
        if (cluster.best != null && apart.best != null) {
            System.out.printf(Locale.ROOT, "two nodes through Redis / two nodes apart: %.0f%%%n",
                    100 * cluster.best.deliveredPerSec() / apart.best.deliveredPerSec());
        }
        if (single.best != null && cluster.best != null) {
            System.out.printf(Locale.ROOT, "%ncross-node max / single-node max: %.0f%% (target >= 50%%); p99 at 10 msg/s:"
                    + " %.2fx single-node (target <= 2x)%n", 100 * cluster.best.deliveredPerSec() / single.best.deliveredPerSec(),
                    cluster.fixed.p99() / Math.max(0.01, single.fixed.p99()));
        }
        System.out.printf(Locale.ROOT, "Redis connections: %d for the two nodes with no client; %d with %d idle sessions"
                + " open (half on each node, %d topic channels subscribed)%n", connections[0], connections[1], connections[2],
                connections[3]);
    }

    private static String max(Result r) {
        return r.best == null ? "none passed" : String.format(Locale.ROOT, "%,.0f (p99 %.1f ms)", r.best.deliveredPerSec(), r.best.p99());
    }

    private static String failed(Result r) {
        return r.failed == null ? "none up to 4M/s" : String.format(Locale.ROOT, "%,.0f offered: %,.0f delivered, p99 %.1f ms",
                r.failed.offeredPerSec(), r.failed.deliveredPerSec(), r.failed.p99());
    }

    private static void log(String format, Object... args) {
        StompBenchmark.log(format, args);
    }
}
