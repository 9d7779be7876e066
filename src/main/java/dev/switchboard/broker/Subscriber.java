package dev.switchboard.broker;

/** A session that holds subscriptions; the broker hands it messages. */
public interface Subscriber {

    /** Unique among the open sessions. */
    String sessionId();

    /** The authenticated user of the session, or null when it is anonymous. */
    default java.security.Principal principal() {
        return null;
    }

    /**
     * Hands a message to the session, on the publisher's thread: it must queue, never block.
     * Returns false when the session cannot take it (closed, or just cut off as too slow).
     */
    boolean deliver(Subscription subscription, Message message, boolean redelivered);

    /**
     * What this session's client is charged for what the broker keeps on its behalf (queues it
     * makes); null: the node's own account (server-side subscribers).
     */
    default dev.switchboard.session.MemoryBudget.Account account() {
        return null;
    }
}
