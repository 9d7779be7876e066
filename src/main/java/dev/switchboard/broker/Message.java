package dev.switchboard.broker;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * A published message, immutable and shared by every delivery of it. Carries a small cache
 * slot per wire format so that a protocol encodes it once, however many subscribers get it.
 *
 * @see #wire(int)
 */
public final class Message {

    private final String id;
    private final String destination;
    private final String contentType;
    private final List<String> headers;
    private final byte[] body;
    /** True when the body is valid UTF-8 (it then travels as text). */
    private final boolean isText;
    /**
     * The body as text, made on first use (a message that waits in a queue keeps only its bytes):
     * set once, racily like {@link String#hashCode()}'s cache; a String is safe to publish so.
     */
    private String text;
    private final AtomicReferenceArray<Object> wire = new AtomicReferenceArray<>(4);
    private final int footprint;

    /**
     * @param headers     application headers as name/value pairs, passed through to subscribers
     * @param contentType the body's MIME type, or null
     */
    public Message(String id, String destination, String contentType, List<String> headers, byte[] body) {
        this(id, destination, contentType, headers, body, Text.of(body));
    }

    /** What the body is: text (made already, or to be made from ASCII on first use) or not. */
    private record Text(boolean isText, String made) {
        static Text of(byte[] body) {
            if (ascii(body)) {
                return new Text(true, null);
            }
            String t = utf8(body);
            return new Text(t != null, t);
        }
    }

    private Message(String id, String destination, String contentType, List<String> headers, byte[] body, Text text) {
        this.id = id;
        this.destination = destination;
        this.contentType = contentType;
        this.headers = List.copyOf(headers);
        this.body = body;
        this.isText = text.isText();
        this.text = text.made();
        // charged as if the text were made (it is on the first delivery): a text body costs twice its bytes
        int size = 160 + body.length + (isText ? body.length : 0) + destination.length();
        for (String h : this.headers) {
            size += 48 + h.length();
        }
        this.footprint = size;
    }

    /**
     * About how many bytes of heap this message holds (body, its text, headers, objects), what a
     * queue charges to the memory budget while it keeps the message.
     */
    public int footprint() {
        return footprint;
    }

    /** The same message under another destination name (a user destination as its user sees it). */
    Message at(String shownDestination) {
        return new Message(id, shownDestination, contentType, headers, body, new Text(isText, text));
    }

    public String id() {
        return id;
    }

    public String destination() {
        return destination;
    }

    public String contentType() {
        return contentType;
    }

    /** Application headers as name/value pairs. */
    public List<String> headers() {
        return headers;
    }

    /** The body; callers must not change it. */
    public byte[] body() {
        return body;
    }

    /** The body as text when it is valid UTF-8, else null (it must then travel as binary). */
    public String text() {
        String t = text;
        if (t == null && isText) {
            t = new String(body, StandardCharsets.ISO_8859_1); // only ASCII bodies come here: one byte, one char
            text = t;
        }
        return t;
    }

    /**
     * Cached encoded forms, one slot per format a protocol defines (say, one per STOMP version's
     * escaping). Racing encoders may both encode; the first stored wins, both are equal.
     */
    public Object wire(int slot) {
        return wire.get(slot);
    }

    public Object cacheWire(int slot, Object encoded) {
        return wire.compareAndSet(slot, null, encoded) ? encoded : wire.get(slot);
    }

    /** True when every byte is ASCII (then it is valid UTF-8, and its text is made by a plain copy). */
    private static boolean ascii(byte[] body) {
        for (byte b : body) {
            if (b < 0) {
                return false;
            }
        }
        return true;
    }

    private static String utf8(byte[] body) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(body)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
