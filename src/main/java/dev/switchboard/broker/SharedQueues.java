package dev.switchboard.broker;

/**
 * {@code /queue/} destinations kept outside this node, shared by every node (Redis streams with a
 * consumer group): each message goes to one consumer cluster-wide. The broker keeps its local
 * queue per destination for its own consumers (round robin, unacknowledged limits, NACK to another
 * local consumer) and asks this for the messages, tells it when one is consumed, and gives back
 * what no local consumer can take.
 */
public interface SharedQueues {

    /** What the shared queues ask of the node: how much its consumers can take, and the messages. */
    interface Intake {
        /** How many more messages this node's consumers of {@code queue} can take now. */
        int room(String queue);

        /**
         * A message of {@code queue} taken for this node; false when no local consumer can have it
         * (the caller gives it back).
         *
         * @param ticket what {@link #consumed} and {@link #giveBack} need to settle it
         */
        boolean take(String queue, Message message, Object ticket, boolean redelivered);
    }

    /**
     * Stores a message sent to {@code queue}; returns once it is stored (a receipt may then say so).
     *
     * @throws BrokerException when it was not stored (the queue is full, or the store is unreachable)
     */
    void send(String queue, Message message) throws BrokerException;

    /** Starts ({@code on}) or stops taking {@code queue}'s messages for this node's consumers. */
    void consume(String queue, boolean on);

    /** A message taken for this node is consumed: acknowledged, or handed to an auto-ack consumer. */
    void consumed(Object ticket);

    /** A message taken for this node goes back, for any node's consumer, marked redelivered. */
    void giveBack(Object ticket, Message message);
}
