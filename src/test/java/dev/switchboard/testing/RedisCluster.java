package dev.switchboard.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A private Redis Cluster of real {@code redis-server}s (the Debian package) on free loopback
 * ports: masters, each with a replica, joined by {@code redis-cli --cluster create}; a master can
 * be killed so that its replica takes over.
 */
public final class RedisCluster implements AutoCloseable {

    private final List<RedisProcess> nodes;
    private final int masters;

    private RedisCluster(List<RedisProcess> nodes, int masters) {
        this.nodes = nodes;
        this.masters = masters;
    }

    /**
     * Starts {@code masters} masters and as many replicas, joins them into one cluster, and waits
     * until every node says the cluster is OK.
     */
    public static RedisCluster start(Path dir, int masters) throws IOException, InterruptedException {
        List<RedisProcess> nodes = new ArrayList<>();
        RedisCluster cluster = new RedisCluster(nodes, masters);
        try {
            for (int i = 0; i < masters * 2; i++) {
                RedisProcess node = RedisProcess.clusterNode(dir, Duration.ofSeconds(2));
                nodes.add(node);
                node.restart();
            }
            List<String> create = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
            nodes.forEach(n -> create.add("127.0.0.1:" + n.port()));
            create.addAll(List.of("--cluster-replicas", "1", "--cluster-yes"));
            Path log = dir.resolve("cluster-create.log");
            Process p = new ProcessBuilder(create).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (!p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IllegalStateException("redis-cli --cluster create failed: " + Files.readString(log));
            }
            Await.until("every node of the Redis Cluster says it is OK and knows all " + nodes.size(),
                    Duration.ofSeconds(60), () -> nodes.stream().allMatch(n -> Boolean.TRUE.equals(n.query(c -> {
                        String info = c.clusterInfo();
                        return info.contains("cluster_state:ok") && info.contains("cluster_known_nodes:" + nodes.size());
                    }))));
            return cluster;
        } catch (IOException | InterruptedException | RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    /** The relay's URI: the first masters' addresses as seeds. */
    public String uri() {
        return "redis-cluster://" + nodes.subList(0, masters).stream().map(n -> "127.0.0.1:" + n.port())
                .collect(Collectors.joining(","));
    }

    /** The live master that holds {@code key}'s slot; null when none does now (during a failover). */
    public RedisProcess masterOf(String key) {
        for (RedisProcess n : nodes) {
            Boolean holds = n.query(c -> {
                long slot = c.clusterKeyslot(key);
                String myself = c.clusterNodes().lines().filter(l -> l.contains("myself")).findFirst().orElse("");
                String[] fields = myself.split(" ");
                if (!fields[2].contains("master")) {
                    return false;
                }
                for (int i = 8; i < fields.length; i++) {
                    String[] range = fields[i].split("-");
                    if (range[0].startsWith("[")) {
                        continue; // a slot being migrated
                    }
                    long from = Long.parseLong(range[0]);
                    long to = range.length > 1 ? Long.parseLong(range[1]) : from;
                    if (slot >= from && slot <= to) {
                        return true;
                    }
                }
                return false;
            });
            if (Boolean.TRUE.equals(holds)) {
                return n;
            }
        }
        return null;
    }

    /** Kills every node (SIGKILL). */
    public void killAll() throws InterruptedException {
        for (RedisProcess n : nodes) {
            n.kill();
        }
    }

    /**
     * Starts every node that is not running again (each finds its cluster configuration on disk;
     * the data is gone) and waits until the cluster is OK.
     */
    public void restartAll() throws IOException {
        for (RedisProcess n : nodes) {
            if (!n.answers()) {
                n.restart();
            }
        }
        Await.until("the Redis Cluster is OK again", Duration.ofSeconds(60), this::ok);
    }

    /** True when every live node says the cluster is OK. */
    public boolean ok() {
        return nodes.stream().filter(RedisProcess::answers)
                .allMatch(n -> Boolean.TRUE.equals(n.query(c -> c.clusterInfo().contains("cluster_state:ok"))));
    }

    /** Clients connected to all live nodes together (replication links included). */
    public long clients() {
        return nodes.stream().mapToLong(RedisProcess::clients).filter(n -> n >= 0).sum();
    }

    /** Connections that stay, on all live nodes together (see {@link RedisProcess#lastingClients}). */
    public long lastingClients() {
        return lastingClientList().size();
    }

    /** Their CLIENT LIST lines, each after its node's port. */
    public java.util.List<String> lastingClientList() {
        return nodes.stream().flatMap(n -> n.lastingClientList().stream().map(l -> n.port() + " " + l)).toList();
    }

    /** Subscriptions to {@code channel} on all live nodes together. */
    public long subscribers(String channel) {
        return nodes.stream().mapToLong(n -> n.subscribers(channel)).filter(n -> n >= 0).sum();
    }

    @Override
    public void close() throws InterruptedException {
        for (RedisProcess n : nodes) {
            n.close();
        }
    }
}
