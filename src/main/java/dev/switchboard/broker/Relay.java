package dev.switchboard.broker;

import java.util.Map;

/**
 * Carries broker traffic between the nodes of a cluster. The broker delivers what its own
 * sessions publish to its own subscribers at once and hands it to the relay too; the relay brings
 * what other nodes published and the broker delivers it to its subscribers only. So each node
 * needs the relay to bring only the destinations (and patterns) it has subscribers for: the
 * broker says which through {@link #listen} and {@link #listenPattern}, once per destination,
 * however many local subscribers it has.
 *
 * <p>{@link #NONE}, the default, is a single node. {@code broker.redis.RedisRelay} is Redis
 * pub/sub through Lettuce. A relay must never block its callers (publishing sessions' threads):
 * what it cannot send at once it drops and counts.
 */
public interface Relay extends AutoCloseable {

    /** Where a relay hands what other nodes published: the broker. */
    interface Receiver {
        /** A message another node published to {@code routingKey}, a destination this node listens to. */
        void received(String routingKey, Message message);

        /** A message another node published that matched {@code glob}, a pattern this node listens to. */
        void receivedForPattern(String glob, Message message);
    }

    /**
     * @param ok     whether messages cross nodes right now
     * @param reason why not (null when ok); says nothing of addresses or credentials
     */
    record Health(boolean ok, String reason) {
        public static final Health OK = new Health(true, null);
    }

    /** A single node: nothing leaves it, nothing comes in. */
    Relay NONE = new Relay() {
        @Override
        public void start(Receiver receiver) {
        }

        @Override
        public void publish(String routingKey, Message message) {
        }

        @Override
        public void listen(String routingKey, boolean on) {
        }

        @Override
        public void listenPattern(String glob, boolean on) {
        }

        @Override
        public Health health() {
            return Health.OK;
        }

        @Override
        public Map<String, Object> stats() {
            return Map.of("kind", "none");
        }

        @Override
        public void close() {
        }

        @Override
        public String toString() {
            return "none";
        }
    };

    /**
     * {@code /queue/} destinations shared by every node, or null when queues stay per node. Its
     * messages go to the {@code intake} given at {@link #start}.
     */
    default SharedQueues queues() {
        return null;
    }

    /** State every node sees the same (chat presence and history), or null on a single node. */
    default SharedState state() {
        return null;
    }

    /**
     * Connects (or starts trying to); from now on received messages go to {@code receiver}, and
     * shared queues' messages to {@code intake}.
     */
    default void start(Receiver receiver, SharedQueues.Intake intake) {
        start(receiver);
    }

    /** Connects (or starts trying to); from now on received messages go to {@code receiver}. */
    void start(Receiver receiver);

    /** Sends a message published on this node to the other nodes listening to {@code routingKey}. */
    void publish(String routingKey, Message message);

    /** Starts ({@code on}) or stops bringing messages published elsewhere to {@code routingKey}. */
    void listen(String routingKey, boolean on);

    /** Starts or stops bringing messages published elsewhere whose routing key matches the Redis-style glob. */
    void listenPattern(String glob, boolean on);

    Health health();

    /** Figures for {@code /stats}. */
    Map<String, Object> stats();

    /** Disconnects and stops every thread the relay started. */
    @Override
    void close();
}
