package dev.switchboard.stomp;

import dev.switchboard.session.Connection;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;

/**
 * One session's heart-beats, negotiated as the STOMP spec says: the server sends an EOL when
 * nothing else left for the agreed interval, and reports a client silent for twice its interval.
 * Ticks run on the deployment's timer; reads and writes only touch two volatile fields.
 */
final class HeartBeats {

    private final ScheduledExecutorService timer;
    private final Connection connection;
    private final StompMetrics metrics;
    private final LongConsumer onSilence;
    private volatile long lastReadNanos = System.nanoTime();
    private volatile boolean wroteSinceTick;
    private ScheduledFuture<?> sender;
    private ScheduledFuture<?> watch;
    private long outgoing;
    private long incoming;

    /** @param onSilence called with the silence limit in ms when the client has been quiet too long */
    HeartBeats(ScheduledExecutorService timer, Connection connection, StompMetrics metrics, LongConsumer onSilence) {
        this.timer = timer;
        this.connection = connection;
        this.metrics = metrics;
        this.onSilence = onSilence;
    }

    /** The client's {@code heart-beat} header as {cx, cy}, or null when it is not two non-negative numbers. */
    static long[] parse(String header) {
        String[] parts = header.split(",");
        if (parts.length != 2) {
            return null;
        }
        try {
            long cx = Long.parseLong(parts[0].trim());
            long cy = Long.parseLong(parts[1].trim());
            return cx < 0 || cy < 0 ? null : new long[] {cx, cy};
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /**
     * Starts both directions: the server sends every max(sx, cy) ms and expects the client every
     * max(cx, sy) ms, each only when both sides' values are non-zero.
     */
    void start(long sx, long sy, long cx, long cy) {
        outgoing = sx == 0 || cy == 0 ? 0 : Math.max(sx, cy);
        incoming = sy == 0 || cx == 0 ? 0 : Math.max(sy, cx);
        try {
            if (outgoing > 0) {
                long tick = Math.max(1, outgoing / 2);
                sender = timer.scheduleAtFixedRate(this::sendTick, tick, tick, TimeUnit.MILLISECONDS);
            }
            if (incoming > 0) {
                long tick = Math.max(1, incoming / 2);
                long limit = 2 * incoming;
                watch = timer.scheduleAtFixedRate(() -> watchTick(limit), tick, tick, TimeUnit.MILLISECONDS);
            }
        } catch (RejectedExecutionException stopping) {
            outgoing = 0;
            incoming = 0; // the deployment is stopping
        }
    }

    long outgoing() {
        return outgoing;
    }

    long incoming() {
        return incoming;
    }

    /** Something arrived from the client. */
    void read() {
        lastReadNanos = System.nanoTime();
    }

    /** Something left for the client. */
    void wrote() {
        wroteSinceTick = true;
    }

    void stop() {
        if (sender != null) {
            sender.cancel(false);
        }
        if (watch != null) {
            watch.cancel(false);
        }
    }

    /** Every half interval: an EOL unless something left in the last half, so gaps stay under one interval. */
    private void sendTick() {
        if (wroteSinceTick) {
            wroteSinceTick = false;
        } else if (connection.sendText("\n")) {
            metrics.heartbeatsOut.increment();
            wroteSinceTick = true;
        }
    }

    private void watchTick(long limitMillis) {
        if (System.nanoTime() - lastReadNanos > TimeUnit.MILLISECONDS.toNanos(limitMillis)) {
            onSilence.accept(limitMillis);
        }
    }
}
