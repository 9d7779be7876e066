package dev.switchboard.stomp;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes STOMP frames for one protocol version: escapes header values as that version says,
 * and writes {@code content-length} itself for every frame with a body (and every MESSAGE),
 * replacing any the caller set. A header 1.0 cannot carry (a newline in it, a colon in its name), or a CR 1.0 and 1.1 cannot carry,
 * is left out, since 1.0 has no escaping.
 */
public final class StompEncoder {

    private StompEncoder() {
    }

    /** The frame's bytes: command, headers, blank line, body, NUL. */
    public static byte[] encode(StompFrame frame, StompVersion version) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(128 + frame.body().length);
        byte[] head = head(frame, version).getBytes(StandardCharsets.UTF_8);
        out.write(head, 0, head.length);
        out.write(frame.body(), 0, frame.body().length);
        out.write(0);
        return out.toByteArray();
    }

    /** The frame as text, for a text WebSocket message; the body must be UTF-8. */
    public static String encodeText(StompFrame frame, StompVersion version) {
        return head(frame, version) + new String(frame.body(), StandardCharsets.UTF_8) + '\0';
    }

    /** Command, header lines (content-length last when there is a body) and the blank line. */
    static String head(StompFrame frame, StompVersion version) {
        StringBuilder out = new StringBuilder(64);
        out.append(frame.command().name()).append('\n');
        boolean escape = version.escapes() && frame.command().escapesHeaders();
        StompHeaders headers = frame.headers();
        for (int i = 0; i < headers.size(); i++) {
            String name = headers.name(i);
            if (!name.equals("content-length")) {
                appendHeader(out, name, headers.value(i), version, escape);
            }
        }
        if (frame.body().length > 0 || frame.command() == StompCommand.MESSAGE || frame.command() == StompCommand.SEND) {
            out.append("content-length:").append(frame.body().length).append('\n');
        }
        return out.append('\n').toString();
    }

    /** Appends {@code name:value\n}, escaped for the version; false when 1.0 cannot carry it. */
    public static boolean appendHeader(StringBuilder out, String name, String value, StompVersion version,
                                       boolean escape) {
        if (!escape) {
            if (!representable(name, true) || !representable(value, false)) {
                return false;
            }
            out.append(name).append(':').append(value).append('\n');
            return true;
        }
        if (!version.escapesCarriageReturn() && (name.indexOf('\r') >= 0 || value.indexOf('\r') >= 0)) {
            return false; // 1.1 has no escape for CR, and a trailing one would be read as part of the EOL
        }
        escapeInto(out, name, version);
        out.append(':');
        escapeInto(out, value, version);
        out.append('\n');
        return true;
    }

    private static boolean representable(String s, boolean isName) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\n' || c == '\r' || (isName && c == ':')) {
                return false;
            }
        }
        return true;
    }

    private static void escapeInto(StringBuilder out, String s, StompVersion version) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case ':' -> out.append("\\c");
                case '\r' -> out.append("\\r");
                default -> out.append(c);
            }
        }
    }
}
