package dev.switchboard.api;

/**
 * A refusal the client should hear: thrown by a handler (a bad order, an unknown room), the
 * message is sent to the sender's error destination and the connection stays open; thrown by an
 * {@link InboundInterceptor}, the frame is refused with a STOMP ERROR and the connection closes.
 * Its message is shown to the client, so it must not carry internals.
 */
public class MessagingException extends RuntimeException {

    public MessagingException(String message) {
        super(message);
    }

    public MessagingException(String message, Throwable cause) {
        super(message, cause);
    }
}
