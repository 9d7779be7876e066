package dev.switchboard.stomp;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** One STOMP frame: command, headers in wire order, body bytes. Immutable. */
public final class StompFrame {

    private static final byte[] NO_BODY = new byte[0];

    private final StompCommand command;
    private final StompHeaders headers;
    private final byte[] body;

    public StompFrame(StompCommand command, StompHeaders headers, byte[] body) {
        this.command = command;
        this.headers = headers;
        this.body = body == null || body.length == 0 ? NO_BODY : body;
    }

    public static StompFrame of(StompCommand command, String... headers) {
        return new StompFrame(command, StompHeaders.of(headers), NO_BODY);
    }

    public StompFrame withBody(String text) {
        return new StompFrame(command, headers, text.getBytes(StandardCharsets.UTF_8));
    }

    public StompCommand command() {
        return command;
    }

    public StompHeaders headers() {
        return headers;
    }

    public String header(String name) {
        return headers.get(name);
    }

    /** The body; callers must not change it. */
    public byte[] body() {
        return body;
    }

    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StompFrame f && command == f.command && headers.equals(f.headers)
                && Arrays.equals(body, f.body);
    }

    @Override
    public int hashCode() {
        return command.hashCode() * 31 + headers.hashCode();
    }

    @Override
    public String toString() {
        return command + " " + headers + (body.length == 0 ? "" : " (" + body.length + " bytes)");
    }
}
