package dev.switchboard.api;

/**
 * Called before a connection opens, with the HTTP request that opens it, on every transport the
 * same way (a WebSocket upgrade to {@code /stomp}, or the first request of a SockJS session): it
 * may refuse the connection ({@link HandshakeRefusedException}, answered with its status) or put
 * attributes into the new session. Found like handlers; several run in the order of their class
 * names.
 */
public interface HandshakeInterceptor {

    /** Before the connection opens; throw {@link HandshakeRefusedException} to refuse it. */
    void beforeHandshake(Handshake handshake);

    /** After the handshake: {@code accepted} says whether a session opened. */
    default void afterHandshake(Handshake handshake, boolean accepted) {
    }
}
