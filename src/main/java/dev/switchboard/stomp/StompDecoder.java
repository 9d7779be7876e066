package dev.switchboard.stomp;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Incremental STOMP frame parser for one connection: a state machine fed with bytes as they
 * arrive, in any split (several frames in one WebSocket message, one frame over several). It
 * reports frames, heart-beats (EOLs between frames) and, at most once, a malformed frame with a
 * reason; after that it ignores further input.
 *
 * <p>Limits are enforced while bytes are read, never after buffering them: header lines, header
 * count and whole frame size.
 *
 * <p>Over 400 lines on purpose: one byte-level state machine (command, headers, body by length or
 * by NUL, heart-beats) whose states share the limits and the memory charge of the frame being
 * assembled.
 */
public final class StompDecoder {

    /** What the parser reports. Called on the feeding thread, in wire order. */
    public interface Sink {
        void frame(StompFrame frame);

        void heartbeat();

        /**
         * The input is not STOMP or breaks a limit; the decoder accepts nothing more.
         *
         * @param receipt the bad frame's {@code receipt} header when it was read, else null
         */
        void malformed(String reason, String receipt);

        /**
         * The frame being read would hold more memory than the {@link Allocator} grants; the
         * decoder accepts nothing more. By default reported as a malformation.
         */
        default void refused(String reason, String receipt) {
            malformed(reason, receipt);
        }
    }

    /**
     * Where the decoder's frame buffer is charged while a frame is assembled (a memory budget).
     * Called on the feeding thread.
     */
    public interface Allocator {
        /** Null when {@code bytes} more may be held, else why not (the frame then fails with it). */
        String grow(int bytes);

        /** {@code bytes} are no longer held. */
        void shrink(int bytes);

        Allocator NONE = new Allocator() {
            @Override
            public String grow(int bytes) {
                return null;
            }

            @Override
            public void shrink(int bytes) {
            }
        };
    }

    /** Hard limits, each enforced while reading. */
    public record Limits(int frameMax, int headerCountMax, int headerLineMax) {
        public static final Limits DEFAULT = new Limits(64 * 1024, 64, 8 * 1024);
    }

    private enum State { BETWEEN_FRAMES, AFTER_CR, COMMAND, HEADERS, BODY_TO_NUL, BODY_SIZED, EXPECT_NUL, BROKEN }

    private Limits limits;
    private final Allocator allocator;
    private volatile StompVersion version;
    /** Bytes of the body buffer charged to the allocator. */
    private int charged;

    private State state = State.BETWEEN_FRAMES;
    private byte[] line = new byte[256];
    private int lineLength;
    private StompCommand command;
    private final StompHeaders.Builder headers = new StompHeaders.Builder();
    private byte[] body;
    private int bodyLength;
    private int contentLength;
    private int frameSize;

    /**
     * @param version how to unescape header values; {@link #version(StompVersion)} changes it once
     *                CONNECT has been negotiated (CONNECT itself is never escaped)
     */
    public StompDecoder(Limits limits, StompVersion version) {
        this(limits, version, Allocator.NONE);
    }

    /** As above, charging body buffers to {@code allocator}. */
    public StompDecoder(Limits limits, StompVersion version, Allocator allocator) {
        this.limits = limits;
        this.version = version;
        this.allocator = allocator;
    }

    /** New limits from the next frame on (a session allows more once it is CONNECTED). */
    public void limits(Limits next) {
        this.limits = next;
    }

    public void version(StompVersion negotiated) {
        this.version = negotiated;
    }

    public boolean broken() {
        return state == State.BROKEN;
    }

    public void feed(byte[] bytes, Sink sink) {
        feed(ByteBuffer.wrap(bytes), sink);
    }

    public void feed(ByteBuffer in, Sink sink) {
        while (in.hasRemaining() && state != State.BROKEN) {
            switch (state) {
                case BETWEEN_FRAMES -> {
                    byte b = in.get();
                    if (b == '\n') {
                        sink.heartbeat();
                    } else if (b == '\r') {
                        state = State.AFTER_CR;
                    } else {
                        startFrame();
                        state = State.COMMAND;
                        appendToLine(b, sink);
                    }
                }
                case AFTER_CR -> {
                    if (in.get() == '\n') {
                        sink.heartbeat();
                        state = State.BETWEEN_FRAMES;
                    } else {
                        fail(sink, "a CR not followed by LF between frames");
                    }
                }
                case COMMAND, HEADERS -> readLine(in, sink);
                case BODY_TO_NUL -> readBodyToNul(in, sink);
                case BODY_SIZED -> readSizedBody(in, sink);
                case EXPECT_NUL -> {
                    if (in.get() == 0) {
                        finishFrame(sink);
                    } else {
                        fail(sink, "the body is longer than its content-length of " + contentLength
                                + " bytes (no NUL octet after it)");
                    }
                }
                case BROKEN -> { }
            }
        }
    }

    private void startFrame() {
        lineLength = 0;
        command = null;
        body = null;
        bodyLength = 0;
        contentLength = -1;
        frameSize = 0;
    }

    private void readLine(ByteBuffer in, Sink sink) {
        while (in.hasRemaining()) {
            byte b = in.get();
            if (b == '\n') {
                if (!countFrameBytes(1, sink)) {
                    return;
                }
                lineDone(sink);
                return;
            }
            if (!appendToLine(b, sink)) {
                return;
            }
        }
    }

    private boolean appendToLine(byte b, Sink sink) {
        if (lineLength == limits.headerLineMax()) {
            fail(sink, (state == State.COMMAND ? "the command line" : "a header line") + " is longer than "
                    + limits.headerLineMax() + " bytes");
            return false;
        }
        if (!countFrameBytes(1, sink)) {
            return false;
        }
        if (lineLength == line.length) {
            line = Arrays.copyOf(line, Math.min(limits.headerLineMax(), line.length * 2));
        }
        line[lineLength++] = b;
        return true;
    }

    private boolean countFrameBytes(int n, Sink sink) {
        frameSize += n;
        if (frameSize > limits.frameMax()) {
            fail(sink, "the frame is larger than " + limits.frameMax() + " bytes");
            return false;
        }
        return true;
    }

    private void lineDone(Sink sink) {
        int end = lineLength;
        if (end > 0 && line[end - 1] == '\r') {
            end--;
        }
        lineLength = 0;
        if (state == State.COMMAND) {
            String name = new String(line, 0, end, StandardCharsets.US_ASCII);
            command = StompCommand.of(name);
            if (command == null) {
                fail(sink, "unknown command \"" + printable(name) + "\"");
                return;
            }
            state = State.HEADERS;
            return;
        }
        if (end == 0) {
            headersDone(sink);
            return;
        }
        int colon = -1;
        for (int i = 0; i < end; i++) {
            if (line[i] == ':') {
                colon = i;
                break;
            }
        }
        if (colon <= 0) {
            fail(sink, colon == 0 ? "a header with an empty name" : "a header line without a colon: \""
                    + printable(new String(line, 0, end, StandardCharsets.UTF_8)) + "\"");
            return;
        }
        if (headers.count() == limits.headerCountMax()) {
            fail(sink, "more than " + limits.headerCountMax() + " headers");
            return;
        }
        boolean escaped = version.escapes() && command.escapesHeaders();
        String name = text(0, colon, escaped, sink);
        String value = name == null ? null : text(colon + 1, end, escaped, sink);
        if (value != null) {
            headers.add(name, value);
        }
    }

    private String text(int from, int to, boolean escaped, Sink sink) {
        String raw = new String(line, from, to - from, StandardCharsets.UTF_8);
        if (!escaped || raw.indexOf('\\') < 0) {
            return raw;
        }
        StringBuilder out = new StringBuilder(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c != '\\') {
                out.append(c);
                continue;
            }
            char next = i + 1 < raw.length() ? raw.charAt(i + 1) : 0;
            switch (next) {
                case 'n' -> out.append('\n');
                case 'c' -> out.append(':');
                case '\\' -> out.append('\\');
                case 'r' -> {
                    if (!version.escapesCarriageReturn()) {
                        fail(sink, "undefined escape sequence \\r in STOMP " + version.number());
                        return null;
                    }
                    out.append('\r');
                }
                default -> {
                    fail(sink, "undefined escape sequence \\" + (next == 0 ? "" : String.valueOf(next))
                            + " in a header");
                    return null;
                }
            }
            i++;
        }
        return out.toString();
    }

    private void headersDone(Sink sink) {
        String length = headers.first("content-length");
        if (length == null) {
            if (!holdBody(64, sink)) {
                return;
            }
            state = State.BODY_TO_NUL;
            return;
        }
        int n;
        try {
            n = Integer.parseInt(length.trim());
        } catch (NumberFormatException e) {
            n = -1;
        }
        if (n < 0) {
            fail(sink, "content-length \"" + printable(length) + "\" is not a non-negative number");
            return;
        }
        if ((long) frameSize + n + 1 > limits.frameMax()) {
            fail(sink, "the frame is larger than " + limits.frameMax() + " bytes (content-length " + n + ")");
            return;
        }
        contentLength = n;
        if (!holdBody(n, sink)) {
            return;
        }
        state = n == 0 ? State.EXPECT_NUL : State.BODY_SIZED;
    }

    private void readSizedBody(ByteBuffer in, Sink sink) {
        int n = Math.min(in.remaining(), contentLength - bodyLength);
        in.get(body, bodyLength, n);
        bodyLength += n;
        frameSize += n;
        if (bodyLength == contentLength) {
            state = State.EXPECT_NUL;
        }
    }

    /** Copies body bytes up to the NUL that ends the frame, a run at a time. */
    private void readBodyToNul(ByteBuffer in, Sink sink) {
        while (in.hasRemaining()) {
            int start = in.position();
            int end = in.limit();
            int nul = start;
            while (nul < end && in.get(nul) != 0) {
                nul++;
            }
            int n = nul - start;
            if (n > 0) {
                if (!countFrameBytes(n, sink)) {
                    return;
                }
                if (bodyLength + n > body.length
                        && !holdBody(Math.min(limits.frameMax(), Math.max(bodyLength + n, body.length * 2)), sink)) {
                    return;
                }
                in.get(body, bodyLength, n);
                bodyLength += n;
            }
            if (nul < end) {
                in.get(); // the NUL
                finishFrame(sink);
                return;
            }
        }
    }

    private void finishFrame(Sink sink) {
        if (bodyLength > 0 && !command.mayHaveBody()) {
            fail(sink, command + " frames must not have a body");
            return;
        }
        byte[] bytes = bodyLength == body.length ? body : Arrays.copyOf(body, bodyLength);
        StompFrame frame = new StompFrame(command, headers.build(), bytes);
        dropBody();
        state = State.BETWEEN_FRAMES;
        sink.frame(frame);
    }

    private void fail(Sink sink, String reason) {
        String receipt = command == null ? null : headers.first("receipt");
        state = State.BROKEN;
        dropBody();
        sink.malformed(reason, receipt);
    }

    /** Gives the body a buffer of {@code size} bytes (keeping what it holds), charged first; false when refused. */
    private boolean holdBody(int size, Sink sink) {
        int more = size - charged;
        String refused = more > 0 ? allocator.grow(more) : null;
        if (refused != null) {
            String receipt = command == null ? null : headers.first("receipt");
            state = State.BROKEN;
            dropBody();
            sink.refused(refused, receipt);
            return false;
        }
        charged = Math.max(charged, size);
        body = body == null ? new byte[size] : Arrays.copyOf(body, size);
        return true;
    }

    private void dropBody() {
        body = null;
        if (charged > 0) {
            allocator.shrink(charged);
            charged = 0;
        }
    }

    /**
     * The feeding side is done with this decoder (the session ended, possibly from inside a
     * {@link Sink} call): it reads nothing more, not even the rest of the bytes being fed, and
     * whatever it holds is released.
     */
    public void release() {
        state = State.BROKEN;
        dropBody();
    }

    private static String printable(String s) {
        String cut = s.length() > 64 ? s.substring(0, 64) + "..." : s;
        StringBuilder out = new StringBuilder();
        for (char c : cut.toCharArray()) {
            out.append(c < 0x20 || c == 0x7f ? String.format("\\x%02x", (int) c) : String.valueOf(c));
        }
        return out.toString();
    }
}
