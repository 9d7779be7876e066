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
