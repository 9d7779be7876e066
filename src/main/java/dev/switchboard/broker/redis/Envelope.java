package dev.switchboard.broker.redis;

import dev.switchboard.broker.Message;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A message as it crosses Redis: the node that published it (so that node skips its own echo),
 * then the message whole (id, destination, content type, headers, body). Binary, length-prefixed:
 * a version byte, then strings as a 4-byte length and UTF-8, the body as a length and bytes.
 */
final class Envelope {

    static final byte VERSION = 1;
    /** Most headers a message from Redis may carry: a sane bound against a corrupt or hostile record. */
    private static final int HEADERS_MAX = 1024;

    /** A received envelope: who sent it and what. */
    record Received(String origin, Message message) { }

    private Envelope() {
    }

    static byte[] encode(String origin, Message message) {
        byte[][] strings = new byte[4 + message.headers().size()][];
        strings[0] = utf8(origin);
        strings[1] = utf8(message.id());
        strings[2] = utf8(message.destination());
        strings[3] = utf8(message.contentType() == null ? "" : message.contentType());
        int size = 1 + 4 + 4 + message.body().length;
        for (int i = 4; i < strings.length; i++) {
            strings[i] = utf8(message.headers().get(i - 4));
        }
        for (byte[] s : strings) {
            size += 4 + s.length;
        }
        ByteBuffer out = ByteBuffer.allocate(size);
        out.put(VERSION);
        for (int i = 0; i < 4; i++) {
            put(out, strings[i]);
        }
        out.putInt(message.headers().size());
        for (int i = 4; i < strings.length; i++) {
            put(out, strings[i]);
        }
        out.putInt(message.body().length);
        out.put(message.body());
        return out.array();
    }

    /**
     * @throws IllegalArgumentException when the bytes are not an envelope of this version
     */
    static Received decode(byte[] bytes) {
        try {
            ByteBuffer in = ByteBuffer.wrap(bytes);
            byte version = in.get();
            if (version != VERSION) {
                throw new IllegalArgumentException("envelope version " + version + ", this node reads " + VERSION);
            }
            String origin = string(in);
            String id = string(in);
            String destination = string(in);
            String contentType = string(in);
            int headerCount = in.getInt();
            if (headerCount < 0 || headerCount > HEADERS_MAX || headerCount % 2 != 0) {
                throw new IllegalArgumentException("bad header count " + headerCount);
            }
            List<String> headers = new ArrayList<>(headerCount);
            for (int i = 0; i < headerCount; i++) {
                headers.add(string(in));
            }
            byte[] body = new byte[length(in)];
            in.get(body);
            if (in.hasRemaining()) {
                throw new IllegalArgumentException(in.remaining() + " bytes after the body");
            }
            return new Received(origin, new Message(id, destination, contentType.isEmpty() ? null : contentType,
                    headers, body));
        } catch (BufferUnderflowException e) {
            throw new IllegalArgumentException("envelope cut short");
        }
    }

    private static void put(ByteBuffer out, byte[] s) {
        out.putInt(s.length);
        out.put(s);
    }

    private static String string(ByteBuffer in) {
        byte[] s = new byte[length(in)];
        in.get(s);
        return new String(s, StandardCharsets.UTF_8);
    }

    private static int length(ByteBuffer in) {
        int n = in.getInt();
        if (n < 0 || n > in.remaining()) {
            throw new IllegalArgumentException("length " + n + " with " + in.remaining() + " bytes left");
        }
        return n;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
