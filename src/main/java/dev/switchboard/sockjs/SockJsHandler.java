package dev.switchboard.sockjs;

/** What a SockJS service does with one session's messages; created per session by its {@link SockJsApplication}. */
public interface SockJsHandler {

    /** One message from the client, in order. */
    void onMessage(String message);

    /** The session ended (closed by either side, timed out, or its transport failed). Called once. */
    default void onClose() {
    }

    /** Tells {@code handler} (if any) that its session ended; a failure is logged, not thrown. */
    static void closed(SockJsHandler handler) {
        if (handler == null) {
            return;
        }
        try {
            handler.onClose();
        } catch (RuntimeException e) {
            java.util.logging.Logger.getLogger(SockJsHandler.class.getName())
                    .log(java.util.logging.Level.WARNING, "SockJS handler failed on close", e);
        }
    }
}
