package dev.switchboard.session;

import java.nio.ByteBuffer;

/** Joins the parts of one binary message under a size limit; see {@link TextAssembler}. */
public final class BinaryAssembler {

    private final int max;
    private ByteBuffer parts;

    public BinaryAssembler(int maxBytes) {
        this.max = maxBytes;
    }

    /**
     * Adds one part (copied: the container reuses its buffer). Returns the whole message, ready to
     * read, after its last part; null while parts are missing.
     *
     * @throws MessageTooBigException when the message grows past the limit
     */
    public ByteBuffer append(ByteBuffer part, boolean last) {
        int held = parts == null ? 0 : parts.position();
        if ((long) held + part.remaining() > max) {
            parts = null;
            throw new MessageTooBigException("binary message over " + max + " bytes");
        }
        if (parts == null) {
            if (last) {
                ByteBuffer copy = ByteBuffer.allocate(part.remaining()).put(part);
                return copy.flip();
            }
            parts = ByteBuffer.allocate(Math.min(max, Math.max(256, part.remaining() * 2)));
        }
        if (parts.remaining() < part.remaining()) {
            int size = (int) Math.min(max, Math.max((long) parts.capacity() * 2, (long) held + part.remaining()));
            parts = ByteBuffer.allocate(size).put(parts.flip());
        }
        parts.put(part);
        if (!last) {
            return null;
        }
        ByteBuffer whole = parts.flip();
        parts = null;
        return whole;
    }
}
