package dev.switchboard.sockjs;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
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
    private final SockJsSession session;     // null: a one-off answer (2010), not attached
    private final AsyncContext async;
    private final ServletOutputStream out;
    private final ArrayDeque<byte[]> first = new ArrayDeque<>(); // prelude, one-off frames

    // session-guarded state (under the session's lock)
    boolean finishing;
    boolean closeSent;
    boolean heartbeatDue;
    long sent;
    volatile long lastSent = System.nanoTime();

    // pump state
    private final Object lock = new Object();
    private boolean pumping;
    private boolean again;
    private boolean unflushed;
    private volatile boolean done;
    private volatile long notReadySince;   // 0 while the stream takes writes
    private final AtomicBoolean wakeQueued = new AtomicBoolean();

    Receiver(Transport transport, String callback, SockJsSession session, AsyncContext async) throws IOException {
        this.transport = transport;
        this.callback = callback;
        this.session = session;
        this.async = async;
        this.out = async.getResponse().getOutputStream();
        byte[] prelude = transport.prelude(callback);
        if (prelude != null) {
            first.add(prelude);
        }
    }

    /** Adds a frame that goes before anything from the session (a one-off close frame). */
    void sendFirst(String frame) {
        first.add(frame(frame).toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
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
        if (done || !wakeQueued.compareAndSet(false, true)) {
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
        synchronized (lock) {
            if (pumping) {
                again = true;
                return;
            }
            pumping = true;
        }
        try {
            while (!done) {
                if (!out.isReady()) {
                    if (notReadySince == 0) {
                        notReadySince = System.nanoTime();
                    }
                    if (stopPumping()) {
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
                    if (session == null) {
                        finish = true;
                    } else {
                        bytes = session.next(this);
                        finish = bytes == null && finishing;
                    }
                }
                if (finish) {
                    finish();
                    return;
                }
                if (bytes == null) {
                    if (stopPumping()) {
                        return;
                    }
                    continue;
                }
                out.write(bytes);
                unflushed = true;
            }
            stopPumping();
        } catch (IOException | RuntimeException e) {
            synchronized (lock) {
                pumping = false;
            }
            failed(e);
        }
    }

    /** Ends pumping unless someone asked for another round meanwhile. */
    private boolean stopPumping() {
        synchronized (lock) {
            if (again) {
                again = false;
                return false;
            }
            pumping = false;
            return true;
        }
    }

    private void finish() {
        synchronized (lock) {
            pumping = false;
        }
        if (done) {
            return;
        }
        done = true;
        if (session != null) {
            session.detach(this);
        }
        try {
            async.complete();
        } catch (IllegalStateException alreadyOver) {
            LOG.log(Level.FINEST, "response already complete", alreadyOver);
        }
    }

    private void failed(Throwable cause) {
        if (done) {
            return;
        }
        done = true;
        LOG.log(Level.FINE, "SockJS " + transport.path + " response failed", cause);
        if (session != null) {
            session.receiverFailed(this);
        }
        try {
            async.complete();
        } catch (IllegalStateException alreadyOver) {
            LOG.log(Level.FINEST, "response already complete", alreadyOver);
        }
    }

    @Override
    public void onError(Throwable t) {
        failed(t);
    }

    @Override
    public void onComplete(AsyncEvent event) {
        if (!done) {
            // completed by the container without us: the connection went away
            failed(new IOException("response completed by the container"));
        }
    }

    @Override
    public void onTimeout(AsyncEvent event) {
        failed(new IOException("async timeout"));
    }

    @Override
    public void onError(AsyncEvent event) {
        failed(event.getThrowable() == null ? new IOException("async error") : event.getThrowable());
    }

    @Override
    public void onStartAsync(AsyncEvent event) {
        // not restarted
    }
}
