package dev.switchboard.session;

/**
 * How a protocol wraps text messages inside WebSocket messages (SockJS: {@code a["m1","m2"]}).
 * A connection with a framing sends every text message through it; when coalescing, the messages
 * that piled up behind a write leave in one frame, separated by {@link #separator()}.
 */
public interface MessageFraming {

    String prefix();

    String separator();

    String suffix();

    /** Appends one message, escaped as the frame needs; {@code parts} are the message's pieces in order. */
    void appendMessage(StringBuilder out, String... parts);
}
