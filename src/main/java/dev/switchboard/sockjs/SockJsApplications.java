package dev.switchboard.sockjs;

import dev.switchboard.session.Connection;
import jakarta.websocket.CloseReason;

/** The SockJS protocol's test services: what the protocol test suite and client test pages talk to. */
public final class SockJsApplications {

    private SockJsApplications() {
    }

    /** Sends every message back. */
    public static final SockJsApplication ECHO = connection -> connection::sendText;

    /** Closes every session at once with {@code c[3000,"Go away!"]}. */
    public static final SockJsApplication CLOSE = connection -> {
        connection.close(new CloseReason(CloseReason.CloseCodes.getCloseCode(3000), "Go away!"));
        return message -> { };
    };

    /**
     * The application with each session's incoming messages bounded by {@code limits} (messages and
     * bytes a second): past either, the session is closed with 1008 and counted as rate limited.
     */
    public static SockJsApplication rateLimited(SockJsApplication application,
                                                dev.switchboard.security.InboundRate.Limits limits,
                                                dev.switchboard.session.SessionRegistry registry) {
        return new SockJsApplication() {
            @Override
            public SockJsHandler open(Connection connection) {
                SockJsHandler handler = application.open(connection);
                dev.switchboard.security.InboundRate rate = new dev.switchboard.security.InboundRate(limits,
                        connection.info() == null ? null : connection.info().remoteAddress());
                return new SockJsHandler() {
                    @Override
                    public void onMessage(String message) {
                        String over = rate.part(message.length(), true);
                        if (over == null) {
                            handler.onMessage(message);
                        } else if (connection.isOpen()) {
                            registry.countClose(dev.switchboard.session.SessionRegistry.CloseCause.RATE_LIMITED);
                            connection.close(new CloseReason(CloseReason.CloseCodes.VIOLATED_POLICY, "rate limit: " + over));
                        }
                    }

                    @Override
                    public void onClose() {
                        handler.onClose();
                    }
                };
            }

            @Override
            public boolean messagesJoinable() {
                return application.messagesJoinable();
            }
        };
    }

    /** An application that hands each session's text to a handler made per connection, messages joinable. */
    public static SockJsApplication joinable(java.util.function.Function<Connection, SockJsHandler> open) {
        return new SockJsApplication() {
            @Override
            public SockJsHandler open(Connection connection) {
                return open.apply(connection);
            }

            @Override
            public boolean messagesJoinable() {
                return true;
            }
        };
    }
}
