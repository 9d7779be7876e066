package dev.switchboard.server;

import java.util.List;

/** Several nodes as one broker: the relay between them. Part of {@link Settings#ALL}. */
public final class ClusterSettings {

    private ClusterSettings() {
    }

    private static final List<String> SCHEMES = List.of("redis://", "rediss://", "redis-sentinel://",
            "rediss-sentinel://", "redis-socket://", "redis-cluster://", "rediss-cluster://");

    public static final Setting<String> BROKER_RELAY = new Setting<>(
            "broker.relay", "URI", "",
            "Empty: a single node, everything in memory. `redis://[:password@]host:port[/database]`"
                    + " (`rediss://` for TLS, `redis-sentinel://` for Sentinel, as Lettuce reads them;"
                    + " `redis-cluster://host:port[,host:port...]` or `rediss-cluster://` for a Redis Cluster): the"
                    + " nodes sharing this Redis act as one broker for `/topic/`, `/user/` and `/queue/` destinations"
                    + " (docs/cluster.md). Needs Lettuce in the WAR (the demo WAR has it).",
            text -> {
                String t = text.strip();
                if (!t.isEmpty() && SCHEMES.stream().noneMatch(t::startsWith)) {
                    throw new IllegalArgumentException("expected one of " + SCHEMES + " followed by the server");
                }
                return t;
            });

    public static final Setting<String> BROKER_RELAY_NAMESPACE = new Setting<>(
            "broker.relay.namespace", "name", "switchboard",
            "Prefixed to every Redis channel and key, so that separate clusters can share one Redis: nodes with"
                    + " the same namespace are one broker. Letters, digits, `.`, `_` and `-`. With a Redis Cluster,"
                    + " one namespace's keys are all in one slot (hash tag `{namespace}`).",
            text -> {
                String t = text.strip();
                if (!t.matches("[A-Za-z0-9._-]{1,64}")) {
                    throw new IllegalArgumentException("1 to 64 letters, digits, '.', '_' or '-'");
                }
                return t;
            });

    public static final Setting<Integer> BROKER_RELAY_QUEUES_MAX = new Setting<>(
            "broker.relay.queues.max", "count", "10000",
            "With the relay on: most `/queue/` destinations kept in Redis at once (each is a stream);"
                    + " a SEND that would make one more is refused with an ERROR. A queue's own bound is"
                    + " `stomp.queue.buffer.max` messages.",
            text -> SettingValues.atLeast(1, SettingValues.count(text)));

    static final List<Setting<?>> ALL = List.of(BROKER_RELAY, BROKER_RELAY_NAMESPACE, BROKER_RELAY_QUEUES_MAX);
}
