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
 * The first blocking send slower than {@link #DIRECT_WRITE_MAX_NANOS} — the reader's buffer was
 * full — turns direct writes off for this connection for good: from then on it is written
 * asynchronously, bounded by the pipeline's limits. That one send holds its writer thread until
 * the reader makes room or the container's blocking-send timeout ends it; the {@link WriterPool}
 * adds a thread meanwhile so the other connections' writes go on.
 */
final class WebSocketSink implements OutboundSink {

    /** A blocking send slower than this means the reader's socket buffer was full: no more direct writes. */
    static final long DIRECT_WRITE_MAX_NANOS = TimeUnit.MILLISECONDS.toNanos(2);

    private final RemoteEndpoint.Async remote;
    private final RemoteEndpoint.Basic basic;       // null: never direct
    private final Runnable directEnded;
    private final TextFraming textFraming;
    private volatile boolean direct;                // written by the pipeline's one writing thread at a time

    WebSocketSink(RemoteEndpoint.Async remote, RemoteEndpoint.Basic basic, Runnable directEnded,
                  TextFraming textFraming) {
        this.remote = remote;
        this.basic = basic;
        this.direct = basic != null;
        this.directEnded = directEnded;
        this.textFraming = textFraming;
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
        if (wire instanceof String text) {
            remote.sendText(text, result -> completed(result, done));
        } else {
            remote.sendBinary((ByteBuffer) wire, result -> completed(result, done));
        }
    }

    private static void completed(SendResult result, Done done) {
        if (result.isOK()) {
            done.written(false);
        } else {
            done.failed(result.getException());
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
            directEnded.run();
        }
    }
}
