package dev.switchboard.handshake;

import dev.switchboard.security.AuthenticationException;
import dev.switchboard.security.TokenVerifier;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.util.concurrent.atomic.LongAdder;
import java.util.logging.Logger;

/**
 * Who opens a connection, decided on the request that opens it (a WebSocket upgrade, or the first
 * request of a SockJS session): a bearer token ({@code Authorization: Bearer}, the
 * {@code access_token} query parameter, or the configured cookie) verified by the
 * {@link TokenVerifier}, else the container's login ({@code request.getUserPrincipal()}), else
 * nobody. A token that does not verify (or any token, with no verifier configured) is answered
 * 401 and the connection never opens, even where anonymous sessions are allowed.
 */
public final class HandshakeIdentity {

    private static final Logger LOG = Logger.getLogger(HandshakeIdentity.class.getName());

    private final TokenVerifier verifier;
    private final String cookie;
    private final LongAdder refused = new LongAdder();

    /**
     * @param verifier the token verifier, or null when none is configured
     * @param cookie   the cookie that may carry a token, or empty
     */
    public HandshakeIdentity(TokenVerifier verifier, String cookie) {
        this.verifier = verifier;
        this.cookie = cookie;
    }

    public static HandshakeIdentity containerOnly() {
        return new HandshakeIdentity(null, "");
    }

    public long refused() {
        return refused.sum();
    }

    /**
     * The connection's user, or null for an anonymous one; when the request's token does not verify,
     * null with the 401 sent, and {@code refused[0]} set.
     */
    Principal principal(HttpServletRequest request, HttpServletResponse response, boolean[] refusedOut)
            throws IOException {
        try {
            return identify(request);
        } catch (AuthenticationException e) {
            refused.increment();
            refusedOut[0] = true;
            LOG.fine(() -> "handshake from " + request.getRemoteAddr() + " refused: " + e.getMessage());
            byte[] body = (e.getMessage() + "\n").getBytes(StandardCharsets.UTF_8);
            response.setStatus(HttpServletResponse.SC_UNAUTHORIZED);
            response.setHeader("WWW-Authenticate", "Bearer error=\"invalid_token\"");
            response.setContentType("text/plain;charset=UTF-8");
            response.setContentLength(body.length);
            response.getOutputStream().write(body);
            return null;
        }
    }

    /**
     * The request's user, with no answer sent: its token's (verified), else the container's login,
     * else null. For requests that belong to a connection already open (a SockJS session's later
     * requests), to check they come from its owner.
     */
    public Principal identify(HttpServletRequest request) throws AuthenticationException {
        String token = token(request);
        if (token == null) {
            return request.getUserPrincipal();
        }
        if (verifier == null) {
            throw new AuthenticationException("a bearer token was given but this server is configured to verify"
                    + " none (no jwt.* setting)");
        }
        return verifier.verify(token);
    }

    private String token(HttpServletRequest request) {
        String auth = request.getHeader("Authorization");
        if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return auth.substring(7).trim();
        }
        String query = request.getParameter("access_token");
        if (query != null && !query.isEmpty()) {
            return query;
        }
        if (!cookie.isEmpty() && request.getCookies() != null) {
            for (Cookie c : request.getCookies()) {
                if (c.getName().equals(cookie) && !c.getValue().isEmpty()) {
                    return c.getValue();
                }
            }
        }
        return null;
    }
}
