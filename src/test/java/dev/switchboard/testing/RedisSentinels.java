package dev.switchboard.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A private Redis with Sentinel, all real {@code redis-server}s (the Debian package) on free
 * loopback ports: a master, its replica, and three sentinels (quorum two) watching them under the
 * name {@link #MASTER}; killing the master makes the sentinels promote the replica.
 */
public final class RedisSentinels implements AutoCloseable {

    public static final String MASTER = "switchboard-master";

    private final RedisProcess master;
    private final RedisProcess replica;
    private final List<Integer> sentinelPorts = new ArrayList<>();
    private final List<Process> sentinels = new ArrayList<>();

    private RedisSentinels(RedisProcess master, RedisProcess replica) {
        this.master = master;
        this.replica = replica;
    }

    /** Starts them all and waits until every sentinel knows the master, its replica and the other two sentinels. */
    public static RedisSentinels start(Path dir) throws IOException, InterruptedException {
        RedisProcess master = RedisProcess.start(dir);
        RedisSentinels all = new RedisSentinels(master, RedisProcess.replicaOf(master, dir));
        try {
            all.replica.restart();
            for (int i = 0; i < 3; i++) {
                int port = RedisProcess.freePort();
                Path conf = dir.resolve("sentinel-" + port + ".conf"); // sentinels rewrite their file: one each
                Files.writeString(conf, String.join("\n",
                        "port " + port,
                        "bind 127.0.0.1",
                        "dir " + dir.toAbsolutePath(),
                        "logfile " + dir.resolve("sentinel-" + port + ".log").toAbsolutePath(),
                        "sentinel monitor " + MASTER + " 127.0.0.1 " + master.port() + " 2",
                        "sentinel down-after-milliseconds " + MASTER + " 1000",
                        "sentinel failover-timeout " + MASTER + " 10000",
                        "") + "\n");
                all.sentinelPorts.add(port);
                all.sentinels.add(new ProcessBuilder("redis-server", conf.toAbsolutePath().toString(), "--sentinel")
                        .redirectErrorStream(true).redirectOutput(dir.resolve("sentinel-" + port + ".out").toFile())
                        .start());
            }
            Await.until("three sentinels that know the master, its replica and each other", Duration.ofSeconds(60),
                    () -> all.sentinelPorts.stream().allMatch(p -> {
                        String info = cli(p, "SENTINEL", "MASTER", MASTER);
                        return info.contains("num-slaves\n1\n") && info.contains("num-other-sentinels\n2\n");
                    }));
            return all;
        } catch (IOException | RuntimeException e) {
            all.close();
            throw e;
        }
    }

    /** The relay's URI: the sentinels and the master's name. */
    public String uri() {
        return "redis-sentinel://" + sentinelPorts.stream().map(p -> "127.0.0.1:" + p).collect(Collectors.joining(","))
                + "#" + MASTER;
    }

    public RedisProcess master() {
        return master;
    }

    public RedisProcess replica() {
        return replica;
    }

    /**
     * Clients of {@code node} other than the sentinels, a replica's link and the one asking; -1
     * when it does not answer.
     */
    public static long applicationClients(RedisProcess node) {
        Long n = node.query(c -> c.clientList().lines().filter(l -> !l.isBlank() && !l.contains("name=sentinel-")
                && !l.contains("flags=S") && !l.contains("cmd=client|list")).count());
        return n == null ? -1 : n;
    }

    /** The master's port as the first sentinel tells it; -1 when it does not answer. */
    public int masterPort() {
        String[] lines = cli(sentinelPorts.get(0), "SENTINEL", "GET-MASTER-ADDR-BY-NAME", MASTER).split("\n");
        return lines.length >= 2 && lines[1].matches("\\d+") ? Integer.parseInt(lines[1]) : -1;
    }

    /** A command through {@code redis-cli} (sentinels speak RESP but not every command Lettuce's client expects). */
    private static String cli(int port, String... command) {
        List<String> argv = new ArrayList<>(List.of("redis-cli", "-h", "127.0.0.1", "-p", String.valueOf(port)));
        argv.addAll(List.of(command));
        try {
            Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            return p.waitFor() == 0 ? out : "";
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    @Override
    public void close() throws InterruptedException {
        for (Process s : sentinels) {
            s.destroyForcibly();
            s.waitFor();
        }
        replica.close();
        master.close();
    }
}
