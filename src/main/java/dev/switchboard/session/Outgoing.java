package dev.switchboard.session;

import java.nio.ByteBuffer;

/**
 * One item waiting in an {@link Outbound} pipeline. Text and binary items may be joined with
 * their neighbours of the same kind into one write; a {@link Control} item always leaves alone,
 * outside the transport's message framing (SockJS's {@code o}, {@code h} and {@code c[...]}
 * frames, say); a {@link Probe} asks the transport for bytes its clients ignore.
 */
public sealed interface Outgoing {

    /** What the item counts against the pipeline's size limit: characters or bytes. */
    int size();

    /** A text message. */
    record Text(String text) implements Outgoing {
        @Override
        public Kind kind() {
            return Kind.TEXT;
        }

        @Override
        public int size() {
            return text.length();
        }
    }

    /** One text message made of parts, joined only when it is written (a shared pre-encoded frame around per-recipient headers). */
    record TextParts(String[] parts, int size) implements Outgoing {
        @Override
        public Kind kind() {
            return Kind.TEXT;
        }

        public static TextParts of(String... parts) {
            int length = 0;
            for (String part : parts) {
                length += part.length();
            }
            return new TextParts(parts, length);
        }

        public void appendTo(StringBuilder out) {
            for (String part : parts) {
                out.append(part);
            }
        }
    }

    /** A binary message; the buffer must not change after it is queued. */
    record Binary(ByteBuffer data) implements Outgoing {
        @Override
        public Kind kind() {
            return Kind.BINARY;
        }

        @Override
        public int size() {
            return data.remaining();
        }
    }

    /** One binary message made of parts (which must not change), joined only when it is written. */
    record BinaryParts(byte[][] parts, int size) implements Outgoing {
        @Override
        public Kind kind() {
            return Kind.BINARY;
        }

        public static BinaryParts of(byte[]... parts) {
            int length = 0;
            for (byte[] part : parts) {
                length += part.length;
            }
            return new BinaryParts(parts, length);
        }
    }

    /** A protocol's control message: written alone and as it is, never joined or framed as a message. */
    record Control(String text) implements Outgoing {
        @Override
        public Kind kind() {
            return Kind.CONTROL;
        }

        @Override
        public int size() {
            return text.length();
        }
    }

    /** Asks the transport to write bytes its clients ignore, to learn whether the peer is still there. */
    record Probe() implements Outgoing {
        @Override
        public Kind kind() {
            return Kind.PROBE;
        }

        @Override
        public int size() {
            return 0;
        }
    }

    /** What kind of write the item goes in. */
    Kind kind();

    /** What a write carries; items of one kind share a write, TEXT and BINARY only. */
    enum Kind { TEXT, BINARY, CONTROL, PROBE }
}
