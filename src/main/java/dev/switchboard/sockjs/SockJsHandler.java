package dev.switchboard.sockjs;

/** What a SockJS service does with one session's messages; created per session by its {@link SockJsApplication}. */
public interface SockJsHandler {

    /** One message from the client, in order. */
    void onMessage(String message);

    /** The session ended (closed by either side, timed out, or its transport failed). Called once. */
    default void onClose() {
    }
}
