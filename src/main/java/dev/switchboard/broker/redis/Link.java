package dev.switchboard.broker.redis;

import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;

/**
 * One of the relay's command connections, to a single Redis or to a Redis Cluster, seen through
 * the commands both kinds have (Lettuce's cluster command interfaces, which a single server's
 * extend). The queues and the shared state use it without knowing which kind it is; with a
 * cluster, Lettuce sends each command to the node that holds its key's slot.
 */
final class Link {

    private final StatefulConnection<byte[], byte[]> connection;
    private final RedisClusterAsyncCommands<byte[], byte[]> async;
    private final RedisClusterCommands<byte[], byte[]> sync;

    private Link(StatefulConnection<byte[], byte[]> connection, RedisClusterAsyncCommands<byte[], byte[]> async,
                 RedisClusterCommands<byte[], byte[]> sync) {
        this.connection = connection;
        this.async = async;
        this.sync = sync;
    }

    static Link of(StatefulRedisConnection<byte[], byte[]> c) {
        return new Link(c, c.async(), c.sync());
    }

    static Link of(StatefulRedisClusterConnection<byte[], byte[]> c) {
        return new Link(c, c.async(), c.sync());
    }

    RedisClusterAsyncCommands<byte[], byte[]> async() {
        return async;
    }

    /** Blocking calls: only on the issuing thread or the queues' reading thread. */
    RedisClusterCommands<byte[], byte[]> sync() {
        return sync;
    }

    boolean isOpen() {
        return connection.isOpen();
    }

    /** True when {@code handler} (from a connection event) is this connection. */
    boolean is(Object handler) {
        return handler == connection;
    }

    void close() {
        connection.close();
    }

    void closeAsync() {
        connection.closeAsync();
    }
}
