package dev.switchboard.session;

import java.nio.ByteBuffer;

/**
 * What leaves in one write: items of one {@linkplain Outgoing.Kind kind} taken together from an
 * {@link Outbound} pipeline. Taken under the pipeline's lock; turned into bytes on the wire by the
 * {@link OutboundSink}, outside it, so offers go on meanwhile.
 *
 * @param kind  what all the items are: several TEXT or BINARY items, or one CONTROL or PROBE
 * @param items the items, in order; only the first {@code count} are used
 * @param size  what they count against the pipeline's limit
 * @param last  the pipeline was closing and this batch empties it: nothing is written after it
 */
public record Batch(Outgoing.Kind kind, Outgoing[] items, int count, int size, boolean last) {

    /** The text of item {@code i} of a TEXT batch appended to {@code out}. */
    public void appendText(int i, StringBuilder out) {
        Outgoing item = items[i];
        if (item instanceof Outgoing.Text text) {
            out.append(text.text());
        } else {
            ((Outgoing.TextParts) item).appendTo(out);
        }
    }

    /** The pieces of item {@code i} of a TEXT batch, for a framing that escapes them one by one. */
    public String[] textParts(int i) {
        Outgoing item = items[i];
        return item instanceof Outgoing.Text text ? new String[] {text.text()} : ((Outgoing.TextParts) item).parts();
    }

    /** A TEXT batch's messages joined as they are (protocols that frame their own messages, such as STOMP). */
    public String joinedText() {
        if (count == 1 && items[0] instanceof Outgoing.Text text) {
            return text.text();
        }
        StringBuilder out = new StringBuilder(size);
        for (int i = 0; i < count; i++) {
            appendText(i, out);
        }
        return out.toString();
    }

    /** A BINARY batch's messages joined into one buffer. */
    public ByteBuffer joinedBinary() {
        if (count == 1 && items[0] instanceof Outgoing.Binary binary) {
            return binary.data();
        }
        ByteBuffer out = ByteBuffer.allocate(size);
        for (int i = 0; i < count; i++) {
            if (items[i] instanceof Outgoing.Binary binary) {
                out.put(binary.data().duplicate());
            } else {
                for (byte[] part : ((Outgoing.BinaryParts) items[i]).parts()) {
                    out.put(part);
                }
            }
        }
        return out.flip();
    }

    /** The text of a CONTROL batch. */
    public String controlText() {
        return ((Outgoing.Control) items[0]).text();
    }
}
