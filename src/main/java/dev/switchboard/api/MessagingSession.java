package dev.switchboard.api;

import java.security.Principal;
import java.util.Map;
import java.util.Set;

/**
 * One client's messaging session (a STOMP session over WebSocket or SockJS), as handlers,
 * interceptors and listeners see it. A handler method may take it as a parameter.
 */
public interface MessagingSession {

    /** The STOMP session id, unique on this node and not guessable (what CONNECTED's {@code session} says). */
    String id();

    /** The authenticated user, or null for an anonymous session. */
    Principal principal();

    /**
     * The name user destinations use for this session: the principal's name, or for an anonymous
     * session its id.
     */
    String userName();

    /**
     * The session's attributes: the HTTP session's attributes at the handshake, then what
     * {@link HandshakeInterceptor}s put in, then what application code puts in later (the map is
     * the session's own and safe to use from any thread).
     */
    Map<String, Object> attributes();

    /**
     * The user's roles: from a bearer token's roles claim ({@code jwt.roles.claim}); empty for an
     * anonymous session or one whose user came from a password or the container's login.
     */
    Set<String> roles();

    /** Every claim of the user's bearer token (the JWT's claim set); empty without a token. */
    Map<String, Object> claims();

    /** The client's address as the container saw it at the handshake, or null. */
    String remoteAddress();
}
