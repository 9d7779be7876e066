package dev.switchboard.stomp.app;

/** The broker refused an application's message; the message says why. */
public final class MessagingException extends RuntimeException {
    public MessagingException(String message) {
        super(message);
    }
}
