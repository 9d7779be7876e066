package dev.switchboard.api;

/**
 * Hears messaging sessions come and go. Called on the session's own thread after the fact; a
 * listener must be quick and must not throw (what it throws is logged and ignored). Found like
 * handlers.
 */
public interface SessionListener {

    /** CONNECTED was sent: the session's user is known. */
    default void connected(MessagingSession session) {
    }

    /** A subscription is live. */
    default void subscribed(MessagingSession session, String subscriptionId, String destination) {
    }

    /** A subscription ended by UNSUBSCRIBE (not by the session's end). */
    default void unsubscribed(MessagingSession session, String subscriptionId, String destination) {
    }

    /**
     * A connected session ended: {@code reason} says why ({@code DISCONNECT}, the client went
     * away, a protocol error, a limit, the server shutting down).
     */
    default void disconnected(MessagingSession session, String reason) {
    }
}
