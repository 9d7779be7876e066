package dev.switchboard.chat;

/** A chat request refused (bad room, empty or too long text, too many rooms); the message says why. */
public final class ChatException extends Exception {
    public ChatException(String message) {
        super(message);
    }
}
