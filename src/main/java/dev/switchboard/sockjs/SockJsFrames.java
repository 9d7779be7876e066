package dev.switchboard.sockjs;

import dev.switchboard.session.Batch;
import dev.switchboard.session.TextFraming;

/**
 * SockJS frames: {@code o} (open), {@code h} (heart-beat), {@code a["m1","m2"]} (messages) and
 * {@code c[code,"reason"]} (close). Every transport carries these; each wraps them its own way.
 */
final class SockJsFrames {

    static final String OPEN = "o";
    static final String HEARTBEAT = "h";

    /** A TEXT batch as one {@code a[...]} frame: its messages as JSON strings in an array. */
    static final TextFraming MESSAGES = SockJsFrames::messages;

    private SockJsFrames() {
    }

    static String messages(Batch batch) {
        StringBuilder out = new StringBuilder(batch.size() + batch.size() / 4 + 8 * batch.count() + 8);
        out.append("a[");
        for (int i = 0; i < batch.count(); i++) {
            if (i > 0) {
                out.append(',');
            }
            out.append('"');
            SockJsJson.escapeParts(out, batch.textParts(i));
            out.append('"');
        }
        return out.append(']').toString();
    }

    static String close(int code, String reason) {
        StringBuilder out = new StringBuilder("c[").append(code).append(',');
        SockJsJson.quote(out, reason == null ? "" : reason);
        return out.append(']').toString();
    }
}
