package dev.switchboard.sockjs;

import dev.switchboard.session.Connection;

/** The application behind one SockJS service: opens a handler for each new session. */
@FunctionalInterface
public interface SockJsApplication {

    /** A new session; {@code connection} sends to the client (text only) and closes the session. */
    SockJsHandler open(Connection connection);

    /**
     * Whether several of this application's messages may leave joined in one WebSocket message
     * on the raw {@code /websocket} URL (true for STOMP, whose frames delimit themselves).
     */
    default boolean messagesJoinable() {
        return false;
    }
}
