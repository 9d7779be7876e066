package dev.switchboard.sockjs;

import dev.switchboard.session.Batch;
import dev.switchboard.session.Outbound;
import dev.switchboard.session.OutboundSink;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One receiving HTTP request of a SockJS session: the {@link OutboundSink} its session's
 * {@link Outbound} pipeline writes through while it is attached, over an asynchronous response
 * written with non-blocking I/O (a client that reads slowly never holds a thread). Each batch
 * leaves as one frame wrapped the transport's way; a polling response ends after one frame, a
 * streaming one after the service's byte limit or the session's last frame.
 */
final class Receiver implements OutboundSink, AsyncListener {

    private static final Logger LOG = Logger.getLogger(Receiver.class.getName());
    private static final AtomicInteger IDS = new AtomicInteger();

    final Transport transport;
    private final String callback;
    private final AsyncContext async;
    private final StreamWriter writer;
    private final long streamLimit;
    private final String name;
    private final AtomicBoolean done = new AtomicBoolean();
    private volatile Outbound attachedTo;
    private long sent; // frame bytes written; touched by the pipeline's writing thread only

    Receiver(Transport transport, String callback, AsyncContext async, long streamLimit) throws IOException {
        this.name = transport.path + "#" + IDS.incrementAndGet() + ":" + async.getRequest().getRemotePort();
        this.transport = transport;
        this.callback = callback;
        this.async = async;
        this.streamLimit = streamLimit;
        this.writer = new StreamWriter(async.getResponse().getOutputStream(), this::endedByContainer);
    }

    /**
     * Starts the response on the request's own thread: the transport's prelude, if it has one,
     * then {@code ready} (which attaches the receiver to its session, or refuses it).
     */
    void start(Runnable ready) {
        async.addListener(this);
        writer.listen();
        byte[] prelude = transport.prelude(callback);
        if (prelude == null) {
            ready.run();
        } else {
            writer.write(prelude, ready, this::writeFailed);
        }
    }

    /** About to be attached to {@code outbound}: a break while it writes nothing is reported there. */
    void attaching(Outbound outbound) {
        attachedTo = outbound;
    }

    /** Answers with this one close frame and ends. */
    void refuse(String closeFrame) {
        writer.write(bytes(closeFrame), this::finish, this::writeFailed);
    }

    @Override
    public void write(Batch batch, boolean onWriter, Done written) {
        byte[] bytes = switch (batch.kind()) {
            case TEXT -> bytes(SockJsFrames.messages(batch));
            case CONTROL -> bytes(batch.controlText());
            case PROBE -> transport.filler();
            case BINARY -> throw new IllegalStateException("SockJS carries text only");
        };
        boolean frame = batch.kind() != dev.switchboard.session.Outgoing.Kind.PROBE;
        writer.write(bytes, () -> {
            if (frame) {
                sent += bytes.length;
            }
            if (frame && (!transport.streaming || batch.last() || sent >= streamLimit)) {
                written.written(true); // detached first: the next request may attach at once
                finish();
            } else {
                written.written(false);
            }
        }, cause -> {
            written.failed(cause);
            writeFailed(cause);
        });
    }

    private byte[] bytes(String frame) {
        StringBuilder out = new StringBuilder(frame.length() + 32);
        transport.wrap(out, frame, callback);
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The response is complete: written to its end. */
    private void finish() {
        if (done.compareAndSet(false, true)) {
            LOG.finer(() -> "finish " + name);
            writer.close();
            complete();
        }
    }

    /** A write failed (the client went away): the response ends; whoever started the write was told. */
    private void writeFailed(Throwable cause) {
        if (done.compareAndSet(false, true)) {
            LOG.log(Level.FINE, () -> "SockJS " + name + " write failed: " + cause);
            writer.close();
            complete();
        }
    }

    /**
     * The response broke (the client went away, or the container ended it): a write in progress
     * fails, or, when the pipeline was not writing, it is told directly. Either way the session is
     * interrupted.
     */
    private void endedByContainer(Throwable cause) {
        if (!done.compareAndSet(false, true)) {
            return;
        }
        LOG.log(Level.FINE, () -> "SockJS " + name + " response ended: " + cause);
        if (!writer.end(cause)) {
            LOG.fine(() -> "SockJS " + name + ": a write was still in progress when the container ended the response");
        }
        Outbound outbound = attachedTo;
        if (outbound != null) {
            outbound.sinkFailed(this, cause);
        }
        complete();
    }

    private void complete() {
        try {
            async.complete();
        } catch (IllegalStateException alreadyOver) {
            LOG.log(Level.FINEST, "response already complete", alreadyOver);
        }
    }

    @Override
    public void onComplete(AsyncEvent event) {
        endedByContainer(new IOException("response completed by the container"));
    }

    @Override
    public void onTimeout(AsyncEvent event) {
        endedByContainer(new IOException("async timeout"));
    }

    @Override
    public void onError(AsyncEvent event) {
        endedByContainer(event.getThrowable() == null ? new IOException("async error") : event.getThrowable());
    }

    @Override
    public void onStartAsync(AsyncEvent event) {
        // not restarted
    }

    @Override
    public String toString() {
        return name;
    }
}
