package dev.switchboard.stomp;

import dev.switchboard.api.InboundFrame;
import dev.switchboard.api.InboundInterceptor;
import dev.switchboard.api.MessagingException;
import dev.switchboard.api.MessagingSession;
import dev.switchboard.api.SessionListener;
import dev.switchboard.session.Connection;
import dev.switchboard.session.ConnectionInfo;
import java.security.Principal;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One STOMP session as the application sees it ({@link MessagingSession}), and the application's
 * hooks into it: its {@link InboundInterceptor}s before each frame, its {@link SessionListener}s
 * after CONNECT, SUBSCRIBE, UNSUBSCRIBE and the end. Called on the session's thread, under its lock.
 */
final class SessionHooks implements MessagingSession {

    private static final Logger LOG = Logger.getLogger(SessionHooks.class.getName());
    /** The application's bugs, triggered by clients: loud twenty times a JVM, then FINE. */
    private static final dev.switchboard.session.LogLimit FAILURES = new dev.switchboard.session.LogLimit(20);

    private final StompSession session;
    private final Connection connection;
    private final StompServer server;
    private volatile Map<String, Object> attributes;
    private Principal authenticated;

    SessionHooks(StompSession session, Connection connection, StompServer server) {
        this.session = session;
        this.connection = connection;
        this.server = server;
    }

    @Override
    public String id() {
        return session.sessionId();
    }

    @Override
    public Principal principal() {
        return session.principal();
    }

    @Override
    public String userName() {
        return session.userName();
    }

    @Override
    public Map<String, Object> attributes() {
        Map<String, Object> a = attributes;
        if (a == null) {
            synchronized (this) {
                a = attributes;
                if (a == null) {
                    ConnectionInfo info = connection.info();
                    a = new ConcurrentHashMap<>(info == null ? Map.of() : info.attributes());
                    attributes = a;
                }
            }
        }
        return a;
    }

    @Override
    public java.util.Set<String> roles() {
        return session.principal() instanceof dev.switchboard.security.TokenPrincipal token ? token.roles()
                : java.util.Set.of();
    }

    @Override
    public Map<String, Object> claims() {
        return session.principal() instanceof dev.switchboard.security.TokenPrincipal token ? token.claims() : Map.of();
    }

    @Override
    public String remoteAddress() {
        ConnectionInfo info = connection.info();
        return info == null ? null : info.remoteAddress();
    }

    /** The user a CONNECT interceptor named, or null. */
    Principal authenticated() {
        return authenticated;
    }

    /** Null when every interceptor let the frame through; else why it is refused, for the client. */
    String inbound(StompFrame frame) {
        for (InboundInterceptor interceptor : server.inboundInterceptors()) {
            try {
                interceptor.inbound(new Frame(frame), this);
            } catch (MessagingException e) {
                server.metrics().interceptorRefusals.increment();
                return e.getMessage() == null ? "refused" : e.getMessage();
            } catch (RuntimeException e) {
                server.metrics().interceptorRefusals.increment();
                LOG.log(FAILURES.level(Level.WARNING), "inbound interceptor " + interceptor.getClass().getName() + " failed on "
                        + frame.command(), e);
                return "the server could not check this frame";
            }
        }
        return null;
    }

    void connected() {
        for (SessionListener l : server.sessionListeners()) {
            tell(l, () -> l.connected(this));
        }
    }

    void subscribed(String id, String destination) {
        for (SessionListener l : server.sessionListeners()) {
            tell(l, () -> l.subscribed(this, id, destination));
        }
    }

    void unsubscribed(String id, String destination) {
        for (SessionListener l : server.sessionListeners()) {
            tell(l, () -> l.unsubscribed(this, id, destination));
        }
    }

    void disconnected(String reason) {
        for (SessionListener l : server.sessionListeners()) {
            tell(l, () -> l.disconnected(this, reason));
        }
    }

    private static void tell(SessionListener listener, Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            LOG.log(FAILURES.level(Level.WARNING), "session listener " + listener.getClass().getName() + " threw", e);
        }
    }

    /** A frame as interceptors see it. */
    private final class Frame implements InboundFrame {
        private final StompFrame frame;

        Frame(StompFrame frame) {
            this.frame = frame;
        }

        @Override
        public String command() {
            return frame.command().name();
        }

        @Override
        public String header(String name) {
            return frame.header(name);
        }

        @Override
        public Map<String, String> headers() {
            return frame.headers().firstValues();
        }

        @Override
        public byte[] body() {
            return frame.body().clone();
        }

        @Override
        public void authenticate(Principal user) {
            if (frame.command() != StompCommand.CONNECT && frame.command() != StompCommand.STOMP) {
                throw new IllegalStateException("a session's user is set on CONNECT, not on " + frame.command());
            }
            authenticated = user;
        }
    }
}
