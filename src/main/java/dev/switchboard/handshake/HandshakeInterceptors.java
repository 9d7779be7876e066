package dev.switchboard.handshake;

import dev.switchboard.api.HandshakeInterceptor;
import dev.switchboard.api.HandshakeRefusedException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The application's {@link HandshakeInterceptor}s, run on the request that opens a connection
 * (the WebSocket upgrade, or the first request of a SockJS session), in order: the session's
 * attributes start as the HTTP session's and get what they put in; one that refuses ends the
 * request with its status.
 */
public final class HandshakeInterceptors {

    private static final Logger LOG = Logger.getLogger(HandshakeInterceptors.class.getName());

    /** A handshake the interceptors ran for: its attributes, and what to tell them afterwards. */
    public final class Run {
        private final ServletHandshake handshake;

        private Run(ServletHandshake handshake) {
            this.handshake = handshake;
        }

        /** The connection's user (a verified token's, the container's login), or null. */
        public java.security.Principal principal() {
            return handshake.principal();
        }

        /** What the new session starts with. */
        public Map<String, Object> attributes() {
            return handshake.attributes();
        }

        /** Tells every interceptor how the handshake ended. */
        public void after(boolean accepted) {
            for (HandshakeInterceptor interceptor : interceptors) {
                try {
                    interceptor.afterHandshake(handshake, accepted);
                } catch (RuntimeException e) {
                    LOG.log(failures.level(Level.WARNING), "handshake interceptor " + interceptor.getClass().getName()
                            + " threw after the handshake", e);
                }
            }
        }
    }

    private final List<HandshakeInterceptor> interceptors;
    private final LongAdder refused = new LongAdder();
    /** An interceptor's bug, triggered by requests: loud twenty times, then FINE. */
    private final dev.switchboard.session.LogLimit failures = new dev.switchboard.session.LogLimit(20);

    public HandshakeInterceptors(List<HandshakeInterceptor> interceptors) {
        this.interceptors = List.copyOf(interceptors);
    }

    public static HandshakeInterceptors none() {
        return new HandshakeInterceptors(List.of());
    }

    public long refused() {
        return refused.sum();
    }

    /**
     * Runs the interceptors before a connection opens.
     *
     * @return the run, or null when one refused it (the response is sent then)
     */
    Run before(HttpServletRequest request, HttpServletResponse response, String transport,
               java.security.Principal user) throws IOException {
        ServletHandshake handshake = new ServletHandshake(request, transport, user,
                ServletHandshake.httpSessionAttributes(request.getSession(false)));
        Run run = new Run(handshake);
        for (HandshakeInterceptor interceptor : interceptors) {
            try {
                interceptor.beforeHandshake(handshake);
            } catch (HandshakeRefusedException e) {
                refused.increment();
                LOG.fine(() -> "handshake to " + handshake.path() + " from " + request.getRemoteAddr() + " refused by "
                        + interceptor.getClass().getName() + ": " + e.status() + " " + e.getMessage());
                run.after(false);
                response.sendError(e.status(), e.getMessage());
                return null;
            } catch (RuntimeException e) {
                refused.increment();
                LOG.log(failures.level(Level.WARNING), "handshake interceptor " + interceptor.getClass().getName()
                        + " failed", e);
                run.after(false);
                response.sendError(HttpServletResponse.SC_INTERNAL_SERVER_ERROR);
                return null;
            }
        }
        return run;
    }
}
