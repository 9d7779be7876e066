package dev.switchboard.sockjs;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import java.io.IOException;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One receiving HTTP request of a SockJS session: an asynchronous response written with
 * non-blocking I/O, so a client that reads slowly never holds a thread. One thread at a time
 * pumps: it takes the next bytes from the session, writes them, flushes (one HTTP chunk per
 * frame) and goes on while the stream is ready; the container calls back when it is ready again.
 */
final class Receiver implements WriteListener, AsyncListener {

    private static final Logger LOG = Logger.getLogger(Receiver.class.getName());

    final Transport transport;
    private final String callback;
    private volatile SockJsSession session;  // null until attached; stays null for a one-off answer (2010)
    private volatile boolean decided;        // attached, or refused: may write
    private final AsyncContext async;
    private final ServletOutputStream out;
    private final Queue<byte[]> first = new ConcurrentLinkedQueue<>(); // prelude, one-off frames, probes

    // session-guarded state (under the session's lock)
    boolean finishing;
    boolean closeSent;
    boolean heartbeatDue;
    long sent;
    volatile long lastSent = System.nanoTime();

    // pump state
    private final PumpGuard guard = new PumpGuard();
    private boolean unflushed;
    private final AtomicBoolean done = new AtomicBoolean();
    private volatile long notReadySince;   // 0 while the stream takes writes
    private final AtomicBoolean wakeQueued = new AtomicBoolean();

    private static final java.util.concurrent.atomic.AtomicInteger IDS = new java.util.concurrent.atomic.AtomicInteger();
    private final String name;

    /**
     * A receiving request that writes nothing until it is {@linkplain #attached attached} to its
     * session or {@linkplain #refuse refused}. Call {@link #start} on the request's own thread.
     */
    Receiver(Transport transport, String callback, AsyncContext async) throws IOException {
        this.name = transport.path + "#" + IDS.incrementAndGet() + ":" + async.getRequest().getRemotePort();
        this.transport = transport;
        this.callback = callback;
        this.async = async;
        this.out = async.getResponse().getOutputStream();
        byte[] prelude = transport.prelude(callback);
        if (prelude != null) {
            first.add(prelude);
        }
    }

    /** Now attached to {@code session}: writing starts. */
    void attached(SockJsSession attachedTo, Executor writers) {
        session = attachedTo;
        decided = true;
        wake(writers);
    }

    /** Answers with this one close frame (after the prelude) and ends. */
    void refuse(String closeFrame, Executor writers) {
        first.add(frame(closeFrame).toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        decided = true;
        wake(writers);
    }

    /**
     * Writes bytes every client of this transport ignores (an empty line), to learn whether the
     * client is still there: a request whose client went away fails on the next write after the
     * peer's reset, while an idle request would never notice. Used when another request claims
     * the session.
     */
    void probe(Executor writers) {
        if (done.get()) {
            return;
        }
        first.add(transport.filler());
        wake(writers);
    }

    boolean isDone() {
        return done.get();
    }

    /** Starts writing: the container calls {@link #onWritePossible} once the stream is ready. */
    void start() {
        async.addListener(this);
        out.setWriteListener(this);
    }

    /** A frame as this transport carries it. */
    StringBuilder frame(CharSequence frame) {
        StringBuilder b = new StringBuilder(frame.length() + 32);
        transport.wrap(b, frame, callback);
        return b;
    }

    /** How long the stream has refused writes, in nanoseconds; 0 when it takes them. */
    long stalledFor(long now) {
        long since = notReadySince;
        return since == 0 ? 0 : now - since;
    }

    /** Schedules a pump on the writers (one at a time), not on the caller's thread. */
    void wake(Executor writers) {
        if (done.get() || !wakeQueued.compareAndSet(false, true)) {
            return;
        }
        try {
            writers.execute(() -> {
                wakeQueued.set(false);
                pump();
            });
        } catch (RejectedExecutionException stopping) {
            wakeQueued.set(false);
            pump();
        }
    }

    @Override
    public void onWritePossible() {
        notReadySince = 0;
        pump();
    }

    private void pump() {
        if (!guard.enter()) {
            return; // the pumping thread goes round once more
        }
        try {
            while (true) {
                if (done.get() || !decided) {
                    guard.leave();
                    return;
                }
                if (!out.isReady()) {
                    if (notReadySince == 0) {
                        notReadySince = System.nanoTime();
                    }
                    if (guard.tryLeave()) {
                        return; // onWritePossible follows
                    }
                    continue;
                }
                if (unflushed) {
                    unflushed = false;
                    out.flush();
                    continue;
                }
                byte[] bytes = first.poll();
                boolean finish = false;
                if (bytes == null) {
                    SockJsSession attachedTo = session;
                    if (attachedTo == null) {
                        finish = true;
                    } else {
                        bytes = attachedTo.next(this);
                        finish = bytes == null && finishing;
                    }
                }
                if (finish) {
                    end(null);
                    return;
                }
                if (bytes == null) {
                    if (guard.tryLeave()) {
                        return;
                    }
                    continue;
                }
                out.write(bytes);
                unflushed = true;
            }
        } catch (IOException | RuntimeException e) {
            end(e);
        }
    }

    /** The pump ends the response: done ({@code failure} null) or failed. */
    private void end(Throwable failure) {
        guard.leave();
        if (done.compareAndSet(false, true)) {
            ended(failure);
        }
    }

    /**
     * The container ended the response (the client went away, or an error). Waits (briefly) for a
     * round of writes on another thread to leave first (see {@link PumpGuard}).
     */
    private void endedByContainer(Throwable cause) {
        if (!done.compareAndSet(false, true)) {
            return;
        }
        try {
            if (!guard.awaitIdle(200, TimeUnit.MILLISECONDS)) {
                LOG.warning(() -> "SockJS " + name + ": a write was still in progress when the container ended the response");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        ended(cause);
    }

    private void ended(Throwable failure) {
        SockJsSession attachedTo = session;
        if (failure == null) {
            LOG.finer(() -> "finish " + name);
            if (attachedTo != null) {
                attachedTo.detach(this);
            }
        } else {
            LOG.log(Level.FINE, () -> "SockJS " + name + " response failed: " + failure);
            if (attachedTo != null) {
                attachedTo.receiverFailed(this);
            }
        }
        try {
            async.complete();
        } catch (IllegalStateException alreadyOver) {
            LOG.log(Level.FINEST, "response already complete", alreadyOver);
        }
    }

    @Override
    public void onError(Throwable t) {
        endedByContainer(t);
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
}
