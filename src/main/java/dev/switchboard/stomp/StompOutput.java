package dev.switchboard.stomp;

import dev.switchboard.broker.Message;
import dev.switchboard.broker.Subscription;
import dev.switchboard.session.Connection;

/**
 * What leaves one STOMP session: its own frames (CONNECTED, RECEIPT, ERROR), on the thread
 * handling its frames, and the broker's deliveries, on publishers' threads. Both only queue on
 * the connection (its {@link dev.switchboard.session.Outbound} pipeline), are counted, and tell
 * the heart-beat clock that something was written. Takes no lock.
 */
final class StompOutput {

    private final Connection connection;
    private final StompMetrics metrics;
    private final HeartBeats heartBeats;
    private final boolean binaryMessages;

    StompOutput(Connection connection, StompMetrics metrics, HeartBeats heartBeats, boolean binaryMessages) {
        this.connection = connection;
        this.metrics = metrics;
        this.heartBeats = heartBeats;
        this.binaryMessages = binaryMessages;
    }

    /** One of the session's own frames, encoded for {@code version}. */
    void frame(StompFrame frame, StompVersion version) {
        String text = StompEncoder.encodeText(frame, version);
        if (connection.sendText(text)) {
            heartBeats.wrote();
            metrics.framesOut.increment();
            metrics.bytesOut.add(text.length());
        }
    }

    /**
     * A MESSAGE frame for {@code subscription}: the message's shared encoding around this
     * subscription's header, queued for a writer thread. False when the connection refused it
     * (closed, or just cut as a slow consumer).
     */
    boolean deliver(Subscription subscription, Message message, boolean redelivered, StompVersion version) {
        long size = MessageWire.of(message, version).sendTo(connection, subscription, redelivered, binaryMessages);
        if (size < 0) {
            metrics.deliveriesRefused.increment();
            return false;
        }
        heartBeats.wrote();
        metrics.framesOut.increment();
        metrics.bytesOut.add(size);
        return true;
    }
}
