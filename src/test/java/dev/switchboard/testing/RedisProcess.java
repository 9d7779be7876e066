package dev.switchboard.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A private {@code redis-server} (the Debian package) on a free loopback port, nothing kept on
 * disk, for tests that need a real Redis; it can be killed and started again on the same port.
 */
public final class RedisProcess implements AutoCloseable {

    private final int port;
    private final Path dir;
    private final List<String> extra;
    private Process process;
    private io.lettuce.core.RedisClient client;

    private RedisProcess(int port, Path dir, List<String> extra) {
        this.port = port;
        this.dir = dir;
        this.extra = extra;
    }

    /** Starts one on a free port and waits until it answers PING. */
    public static RedisProcess start(Path dir) throws IOException {
        RedisProcess redis = new RedisProcess(freePort(), dir, List.of());
        redis.restart();
        return redis;
    }

    /** A port with nothing listening on it now (where a Redis may be started later). */
    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** A Redis that will listen on {@code port} once {@link #restart()} is called. */
    public static RedisProcess onPort(int port, Path dir) {
        return new RedisProcess(port, dir, List.of());
    }

    /** A replica of {@code master} on a free port, not yet started. */
    static RedisProcess replicaOf(RedisProcess master, Path dir) throws IOException {
        return new RedisProcess(freePort(), dir, List.of("--replicaof", "127.0.0.1", String.valueOf(master.port())));
    }

    /**
     * A Redis Cluster node on a free port, not yet started (nor part of a cluster: see
     * {@link RedisCluster}); it notices a peer gone within {@code nodeTimeout}.
     */
    static RedisProcess clusterNode(Path dir, Duration nodeTimeout) throws IOException {
        int port = freePort();
        return new RedisProcess(port, dir, List.of("--cluster-enabled", "yes", "--cluster-config-file",
                "nodes-" + port + ".conf", "--cluster-node-timeout", String.valueOf(nodeTimeout.toMillis())));
    }

    public int port() {
        return port;
    }

    public String uri() {
        return "redis://127.0.0.1:" + port;
    }

    /** (Re)starts the server and waits until it answers. */
    public synchronized void restart() throws IOException {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("already running");
        }
        Files.createDirectories(dir);
        List<String> command = new java.util.ArrayList<>(List.of("redis-server", "--port", String.valueOf(port),
                "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir.toAbsolutePath().toString(),
                "--logfile", dir.resolve("redis-" + port + ".log").toAbsolutePath().toString()));
        command.addAll(extra);
        process = new ProcessBuilder(command)
                .redirectErrorStream(true).redirectOutput(dir.resolve("redis-" + port + ".out").toFile()).start();
        Await.until("redis-server on port " + port + " answers PING", Duration.ofSeconds(20),
                () -> {
                    if (!process.isAlive()) {
                        throw new IllegalStateException("redis-server exited: " + Files.readString(
                                dir.resolve("redis-" + port + ".out")));
                    }
                    return answers();
                });
    }

    /** Kills the server (SIGKILL: no goodbye to its clients) and waits until it is gone. */
    public synchronized void kill() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly();
            process.waitFor();
        }
    }

    /** Stops the server (SIGSTOP): its connections stay open and nothing is answered. */
    public synchronized void pause() throws IOException, InterruptedException {
        signal("-STOP");
    }

    /** Lets a paused server go on (SIGCONT). */
    public synchronized void resume() throws IOException, InterruptedException {
        signal("-CONT");
    }

    private void signal(String signal) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", signal, String.valueOf(process.pid())).inheritIO().start();
        if (kill.waitFor() != 0) {
            throw new IllegalStateException("kill " + signal + " " + process.pid() + " failed");
        }
    }

    /** True when it answers PING now. */
    public boolean answers() {
        return query(c -> "PONG".equals(c.ping())) == Boolean.TRUE;
    }

    /** How many clients subscribe to this channel (PUBSUB NUMSUB); -1 when Redis is not there. */
    public long subscribers(String channel) {
        Long n = query(c -> c.pubsubNumsub(channel).getOrDefault(channel, 0L));
        return n == null ? -1 : n;
    }

    /** How many patterns are subscribed to (PUBSUB NUMPAT); -1 when Redis is not there. */
    public long patterns() {
        Long n = query(c -> c.pubsubNumpat());
        return n == null ? -1 : n;
    }

    /** How many clients are connected, not counting the one asking; -1 when Redis is not there. */
    public long clients() {
        Long n = query(c -> c.clientList().lines().filter(l -> !l.isBlank()).count() - 1);
        return n == null ? -1 : n;
    }

    /**
     * CLIENT LIST lines that are not a client's lasting connection: a cluster client's passing ones,
     * by their last command (every 30 s, and on topology events, Lettuce opens one to each node,
     * reads CLUSTER NODES and INFO, and closes it; one still in its handshake shows HELLO, CLIENT
     * SETINFO or none yet), the asker's own (CLIENT LIST), and the Redis nodes' own replication
     * links (flags S on a master, M on its replica), which a replica sets up, and may set up again,
     * on its own schedule.
     */
    private static final java.util.regex.Pattern PASSING = java.util.regex.Pattern.compile(
            " cmd=(cluster\\|nodes|info|client\\|list|client\\|setinfo|hello|NULL) | flags=[A-Za-z]*[SM][A-Za-z]* ");

    /**
     * How many clients' connections stay: all but the one asking, a cluster client's topology
     * reads, which come and go, and replication links (see {@link #PASSING}); -1 when Redis is not there.
     */
    public long lastingClients() {
        java.util.List<String> lines = lastingLines();
        return lines == null ? -1 : lines.size();
    }

    /** The CLIENT LIST lines of the connections {@link #lastingClients} counts (none when Redis is not there). */
    public java.util.List<String> lastingClientList() {
        java.util.List<String> lines = lastingLines();
        return lines == null ? java.util.List.of() : lines;
    }

    private java.util.List<String> lastingLines() {
        return query(c -> c.clientList().lines().filter(l -> !l.isBlank() && !PASSING.matcher(l).find()).toList());
    }

    /** Runs a query over a fresh connection through Lettuce; null when Redis is not there. */
    public synchronized <T> T query(java.util.function.Function<io.lettuce.core.api.sync.RedisCommands<String, String>, T> q) {
        if (client == null) {
            client = io.lettuce.core.RedisClient.create(uri());
            client.setOptions(io.lettuce.core.ClientOptions.builder().autoReconnect(false).build());
        }
        try (var connection = client.connect()) {
            return q.apply(connection.sync());
        } catch (io.lettuce.core.RedisException e) {
            return null;
        }
    }

    @Override
    public synchronized void close() throws InterruptedException {
        kill();
        if (client != null) {
            client.shutdown();
        }
    }
}
