package dev.switchboard.session;

/** A message grew past its limit; the connection closes with 1009. */
public final class MessageTooBigException extends RuntimeException {

    public MessageTooBigException(String message) {
        super(message, null, false, false);
    }
}
