package dev.switchboard.broker.redis;

import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.RedisClusterURIUtil;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

/**
 * What the relay connects to, read from {@code broker.relay}: one Redis (or the master a Sentinel
 * names), or a Redis Cluster ({@code redis-cluster://host:port[,host:port...]}, {@code
 * rediss-cluster://} with TLS; the hosts are seeds, Lettuce learns the rest of the cluster from
 * them and follows its changes).
 *
 * <p>Keys. With a cluster, every key the relay makes carries the hash tag {@code {<namespace>}},
 * so all of one namespace's keys are in one slot: the relay's scripts read and write several keys
 * at once (a queue's stream and the set of queues; a room's presence and the nodes' liveness
 * keys), and one XREADGROUP reads all of a node's queues, which Redis allows only within a slot.
 * Channels need no tag: a cluster passes PUBLISH to every node.
 */
final class Target {

    private static final String CLUSTER = "redis-cluster://";
    private static final String CLUSTER_TLS = "rediss-cluster://";
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(5);
    /** Most commands one cluster connection keeps while a node is not connected. */
    private static final int CLUSTER_QUEUE_MAX = 1_000;

    private final RedisURI single;
    private final List<RedisURI> seeds;

    private Target(RedisURI single, List<RedisURI> seeds) {
        this.single = single;
        this.seeds = seeds;
    }

    /** @throws IllegalArgumentException for a URI Lettuce cannot read */
    static Target parse(String uri) {
        String cluster = uri.startsWith(CLUSTER) ? "redis://" + uri.substring(CLUSTER.length())
                : uri.startsWith(CLUSTER_TLS) ? "rediss://" + uri.substring(CLUSTER_TLS.length()) : null;
        if (cluster == null) {
            RedisURI single = RedisURI.create(uri);
            single.setTimeout(COMMAND_TIMEOUT);
            return new Target(single, null);
        }
        List<RedisURI> seeds;
        try {
            seeds = RedisClusterURIUtil.toRedisURIs(URI.create(cluster));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not a list of cluster nodes: " + e.getMessage(), e);
        }
        if (seeds.isEmpty()) {
            throw new IllegalArgumentException("no cluster node named");
        }
        seeds.forEach(s -> s.setTimeout(COMMAND_TIMEOUT));
        return new Target(null, List.copyOf(seeds));
    }

    boolean cluster() {
        return seeds != null;
    }

    /** What prefixes every key: the namespace, a hash tag with a cluster (see the class comment). */
    String keyPrefix(String namespace) {
        return cluster() ? "{" + namespace + "}:" : namespace + ":";
    }

    /**
     * Made on the issuing thread; reconnects by itself. A single Redis's connection refuses commands
     * while disconnected; a cluster's waits for its node with a bounded queue (see below).
     */
    AbstractRedisClient client(ClientResources resources) {
        if (!cluster()) {
            RedisClient client = RedisClient.create(resources, single);
            ClientOptions.Builder options = ClientOptions.builder()
                    // while disconnected, a publish fails at once (counted) instead of piling up in memory
                    .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS);
            client.setOptions(common(options).build());
            return client;
        }
        RedisClusterClient client = RedisClusterClient.create(resources, seeds);
        ClusterClientOptions.Builder options = ClusterClientOptions.builder()
                // a failover or a slot moving is noticed from MOVED/ASK answers and lost connections at once,
                // and anything else within 30 s
                .topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
                        .enableAllAdaptiveRefreshTriggers()
                        .enablePeriodicRefresh(Duration.ofSeconds(30))
                        .build());
        // a cluster connection connects to each node only when a command first goes there (and again after a
        // failover), and would refuse that command: here commands wait for their node instead, a bounded
        // number, each failing (counted) after the command timeout
        options.disconnectedBehavior(ClientOptions.DisconnectedBehavior.ACCEPT_COMMANDS).requestQueueSize(CLUSTER_QUEUE_MAX);
        common(options);
        client.setOptions(options.build());
        return client;
    }

    /** What both kinds of client share: reconnecting by themselves, connect and command timeouts, keepalive. */
    private static <B extends ClientOptions.Builder> B common(B options) {
        options.autoReconnect(true)
                .socketOptions(SocketOptions.builder().connectTimeout(Duration.ofSeconds(2)).keepAlive(true).build())
                .timeoutOptions(TimeoutOptions.enabled(COMMAND_TIMEOUT));
        return options;
    }

    /** A command connection (blocking: on the issuing thread). */
    static Link connect(AbstractRedisClient client) {
        if (client instanceof RedisClusterClient c) {
            return Link.of(c.connect(ByteArrayCodec.INSTANCE));
        }
        return Link.of(((RedisClient) client).connect(ByteArrayCodec.INSTANCE));
    }

    /** The subscribing connection (blocking: on the issuing thread). */
    static StatefulRedisPubSubConnection<byte[], byte[]> connectPubSub(AbstractRedisClient client) {
        if (client instanceof RedisClusterClient c) {
            return c.connectPubSub(ByteArrayCodec.INSTANCE);
        }
        return ((RedisClient) client).connectPubSub(ByteArrayCodec.INSTANCE);
    }

    /** Where, without the password. */
    @Override
    public String toString() {
        if (cluster()) {
            return "cluster " + seeds.stream().map(s -> s.getHost() + ":" + s.getPort()).collect(Collectors.joining(","));
        }
        return single.getSocket() != null ? single.getSocket()
                : single.getSentinelMasterId() != null ? "sentinel master " + single.getSentinelMasterId()
                : single.getHost() + ":" + single.getPort() + "/" + single.getDatabase();
    }
}
