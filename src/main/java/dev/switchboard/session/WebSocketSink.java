package dev.switchboard.session;

import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.SendResult;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

/**
 * An {@link OutboundSink} over a Jakarta WebSocket session: a TEXT batch leaves as one text
 * message (joined, or framed by the protocol's {@code textFraming}), a BINARY batch as one binary
 * message, a CONTROL item as a text message as it is.
 *
 * <p>Direct writes: on a writer thread the container's blocking send is used while the connection
 * keeps up. To a reader with room in its socket buffer that send returns at once, and it costs a
 * fraction of an asynchronous one (Tomcat hands every asynchronous completion to another thread).
 * A blocking send slower than {@link #DIRECT_WRITE_MAX_NANOS} — the reader's buffer was full, or
 * the writing thread lost its core for a while — turns direct writes off for this connection:
 * it is written asynchronously, bounded by the pipeline's limits. That one send holds its writer
 * thread until the reader makes room or the container's blocking-send timeout ends it; the
 * {@link WriterPool} adds a thread meanwhile so the other connections' writes go on.
 *
 * <p>Direct writes come back once the connection shows it keeps up again: {@link #RESUME_AFTER}
 * asynchronous writes in a row, each completed within {@link #DIRECT_WRITE_MAX_NANOS}, twice as
 * many each further time they ended; after {@link #MAX_ENDINGS} endings the connection stays
 * asynchronous for good. A reader whose buffer keeps filling so costs a blocked writer rarely,
 * while a moment's pause (a GC, a busy core) no longer makes a fast reader pay for a hand-over on
 * every write for the rest of its life (on two cores a fifth of a fan-out's subscribers had lost
 * direct writes after a few seconds of load, each such delivery a completion on another thread).
 *
 * <p>Not thread-safe on its own: the pipeline makes one write at a time, and a write's completion
 * happens before the next write starts (through {@link Outbound}'s lock), which orders every use
 * of the counts below.
 */
final class WebSocketSink implements OutboundSink {

    /** A blocking send slower than this ends direct writes (the reader's buffer was full, or the thread lost its core). */
    static final long DIRECT_WRITE_MAX_NANOS = TimeUnit.MILLISECONDS.toNanos(2);
    /** Quick asynchronous writes in a row that bring direct writes back after they ended once. */
    static final int RESUME_AFTER = 16;
    /** Endings after which direct writes stay off (the last wait asks for 16 << 5 = 512 quick writes). */
    static final int MAX_ENDINGS = 6;

    /** Told when a connection's direct writes end and when they come back, for {@code /stats}. */
    interface DirectWrites {
        void ended();

        void resumed();
    }

    private final RemoteEndpoint.Async remote;
    private final RemoteEndpoint.Basic basic;       // null: never direct
    private final DirectWrites counter;
    private final TextFraming textFraming;
    private volatile boolean direct;                // volatile: read by the next write, which may be on another thread
    private int endings;                            // how many times direct writes ended
    private int quick;                              // asynchronous writes in a row completed within the bound

    WebSocketSink(RemoteEndpoint.Async remote, RemoteEndpoint.Basic basic, DirectWrites counter,
                  TextFraming textFraming) {
        this.remote = remote;
        this.basic = basic;
        this.direct = basic != null;
        this.counter = counter;
        this.textFraming = textFraming;
    }

    /** Whether the next write on a writer thread would be a blocking send. */
    boolean direct() {
        return direct;
    }

    @Override
    public void write(Batch batch, boolean onWriter, Done done) {
        Object wire = switch (batch.kind()) {
            case TEXT -> textFraming.frame(batch);
            case BINARY -> batch.joinedBinary();
            case CONTROL -> batch.controlText();
            case PROBE -> null;
        };
        if (wire == null) {
            done.written(false); // a WebSocket learns of a gone peer from its own pings and closes
            return;
        }
        if (direct && onWriter) {
            writeDirect(wire, done);
            return;
        }
        long issued = System.nanoTime();
        if (wire instanceof String text) {
            remote.sendText(text, result -> completed(result, done, issued));
        } else {
            remote.sendBinary((ByteBuffer) wire, result -> completed(result, done, issued));
        }
    }

    private void completed(SendResult result, Done done, long issued) {
        if (result.isOK()) {
            asyncWritten(System.nanoTime() - issued); // before done: that may start the next write
            done.written(false);
        } else {
            done.failed(result.getException());
        }
    }

    /** An asynchronous write completed after {@code tookNanos}: a quick one counts towards direct writes again. */
    private void asyncWritten(long tookNanos) {
        if (direct || basic == null || endings >= MAX_ENDINGS) {
            return;
        }
        if (tookNanos > DIRECT_WRITE_MAX_NANOS) {
            quick = 0;
            return;
        }
        if (++quick >= RESUME_AFTER << (endings - 1)) {
            quick = 0;
            direct = true;
            counter.resumed();
        }
    }

    /** One blocking send on a writer thread; a slow one ends direct writes for this connection. */
    private void writeDirect(Object wire, Done done) {
        long start = System.nanoTime();
        try {
            if (wire instanceof String text) {
                basic.sendText(text);
            } else {
                basic.sendBinary((ByteBuffer) wire);
            }
        } catch (IOException | RuntimeException e) {
            slowDirect(start);
            done.failed(e);
            return;
        }
        slowDirect(start);
        done.written(false);
    }

    private void slowDirect(long start) {
        if (System.nanoTime() - start > DIRECT_WRITE_MAX_NANOS) {
            direct = false;
            endings++;
            quick = 0;
            counter.ended();
        }
    }
}
