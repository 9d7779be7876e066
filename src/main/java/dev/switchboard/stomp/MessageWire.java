package dev.switchboard.stomp;

import dev.switchboard.broker.AckMode;
import dev.switchboard.broker.Message;
import dev.switchboard.broker.Subscription;
import dev.switchboard.session.Connection;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A MESSAGE frame encoded once per published message and STOMP escaping flavour, in two
 * halves: everything before the per-subscription headers, and everything after them
 * ({@code content-length}, blank line, body, NUL), as bytes and (for UTF-8 bodies) as text. Each
 * delivery sends head + its own {@code subscription} (and {@code ack}) lines + tail, without
 * copying until the write.
 */
final class MessageWire {

    /** Application headers a SEND may not pass on: the MESSAGE sets them itself. */
    static boolean reserved(String name) {
        return switch (name) {
            case "destination", "message-id", "subscription", "ack", "receipt", "transaction", "content-length",
                 "content-type", "redelivered" -> true;
            default -> false;
        };
    }

    final String head;
    final String tail;
    final byte[] headBytes;
    final byte[] tailBytes;
    private final StompVersion version;
    private final String messageId;

    private MessageWire(StompVersion version, String messageId, String head, String tail, byte[] headBytes,
                        byte[] tailBytes) {
        this.version = version;
        this.messageId = messageId;
        this.head = head;
        this.tail = tail;
        this.headBytes = headBytes;
        this.tailBytes = tailBytes;
    }

    /** True when the body may travel in a text WebSocket message (it is UTF-8). */
    boolean text() {
        return head != null;
    }

    static MessageWire of(Message message, StompVersion version) {
        int slot = version.ordinal();
        Object cached = message.wire(slot);
        if (cached != null) {
            return (MessageWire) cached;
        }
        return (MessageWire) message.cacheWire(slot, encode(message, version));
    }

    private static MessageWire encode(Message message, StompVersion version) {
        StringBuilder head = new StringBuilder(128);
        boolean escape = version.escapes();
        head.append("MESSAGE\n");
        StompEncoder.appendHeader(head, "destination", message.destination(), version, escape);
        StompEncoder.appendHeader(head, "message-id", message.id(), version, escape);
        if (message.contentType() != null) {
            StompEncoder.appendHeader(head, "content-type", message.contentType(), version, escape);
        }
        List<String> headers = message.headers();
        for (int i = 0; i + 1 < headers.size(); i += 2) {
            StompEncoder.appendHeader(head, headers.get(i), headers.get(i + 1), version, escape);
        }
        String tailHead = "content-length:" + message.body().length + "\n\n";
        byte[] tailStart = tailHead.getBytes(StandardCharsets.US_ASCII);
        byte[] tail = new byte[tailStart.length + message.body().length + 1];
        System.arraycopy(tailStart, 0, tail, 0, tailStart.length);
        System.arraycopy(message.body(), 0, tail, tailStart.length, message.body().length);
        String headText = head.toString();
        byte[] headBytes = headText.getBytes(StandardCharsets.UTF_8);
        if (message.text() != null) {
            return new MessageWire(version, message.id(), headText, tailHead + message.text() + '\0', headBytes, tail);
        }
        return new MessageWire(version, message.id(), null, null, headBytes, tail);
    }

    int byteLength(byte[] deliveryLines) {
        return headBytes.length + deliveryLines.length + tailBytes.length;
    }

    /** A subscription's own header line, encoded once at SUBSCRIBE, as text and bytes (the subscription's tag). */
    record Tag(String subscriptionLine, byte[] subscriptionBytes) { }

    /**
     * Queues this MESSAGE for one subscription on {@code connection}: the shared head and tail
     * around the subscription's own lines (its {@link Tag}, plus {@code ack} in 1.2 when it
     * acknowledges, and {@code redelivered}). Returns the bytes (or characters) queued, or -1
     * when the connection refused it.
     */
    long sendTo(Connection connection, Subscription subscription, boolean redelivered, boolean binaryMessages) {
        Tag tag = (Tag) subscription.tag();
        boolean acks = version == StompVersion.V1_2 && subscription.ack() != AckMode.AUTO;
        String lines = tag.subscriptionLine();
        if (acks || redelivered) {
            StringBuilder more = new StringBuilder(lines);
            if (acks) {
                StompEncoder.appendHeader(more, "ack", messageId, version, true);
            }
            if (redelivered) {
                more.append("redelivered:true\n");
            }
            lines = more.toString();
        }
        if (text() && !binaryMessages) {
            return connection.sendTextBatched(head, lines, tail) ? head.length() + lines.length() + tail.length() : -1;
        }
        byte[] lineBytes = acks || redelivered ? lines.getBytes(StandardCharsets.UTF_8) : tag.subscriptionBytes();
        return connection.sendBinaryBatched(headBytes, lineBytes, tailBytes) ? byteLength(lineBytes) : -1;
    }
}
