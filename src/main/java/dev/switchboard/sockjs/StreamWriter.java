package dev.switchboard.sockjs;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Writes to a non-blocking servlet stream (a SockJS HTTP response, an upgraded hixie-76
 * connection) one chunk at a time: write it, flush it (one HTTP chunk per frame), and report it
 * done once the stream takes more. A client that reads slowly never holds a thread: when the
 * stream is not ready the writing thread leaves and the container's {@link #onWritePossible}
 * goes on.
 *
 * <p>Its owner starts a write only after the previous one was reported done. Completions may run
 * on the thread that started the write or on a container thread.
 */
final class StreamWriter implements WriteListener {

    /** Where the chunk in progress is. */
    private enum Step { IDLE, WRITE, FLUSH, REPORT }

    private final ServletOutputStream out;
    private final Consumer<Throwable> onError;
    private final PumpGuard guard = new PumpGuard();

    // guarded by this
    private Step step = Step.IDLE;
    private byte[] chunk;
    private Runnable whenWritten;
    private Consumer<Throwable> whenFailed;
    private boolean ended;

    /** {@code onError}: the container reported the stream broken ({@link #onError}). */
    StreamWriter(ServletOutputStream out, Consumer<Throwable> onError) {
        this.out = out;
        this.onError = onError;
    }

    /** Registers with the stream; call once, on the request's (or upgrade's) own thread. */
    void listen() {
        out.setWriteListener(this);
    }

    /**
     * Writes {@code bytes}; {@code written} runs once the stream takes more, {@code failed} if it
     * breaks first (or already was ended). Only one write at a time.
     */
    void write(byte[] bytes, Runnable written, Consumer<Throwable> failed) {
        synchronized (this) {
            if (ended) {
                failed.accept(new IOException("stream ended"));
                return;
            }
            if (step != Step.IDLE) {
                throw new IllegalStateException("a write is in progress");
            }
            chunk = bytes;
            whenWritten = written;
            whenFailed = failed;
            step = Step.WRITE;
        }
        pump();
    }

    @Override
    public void onWritePossible() {
        pump();
    }

    @Override
    public void onError(Throwable t) {
        onError.accept(t);
    }

    private void pump() {
        if (!guard.enter()) {
            return; // the pumping thread goes round once more
        }
        while (true) {
            Step now;
            synchronized (this) {
                now = ended ? Step.IDLE : step;
            }
            if (now == Step.IDLE) {
                if (guard.tryLeave()) {
                    return;
                }
                continue;
            }
            Runnable report = null;
            try {
                if (!out.isReady()) {
                    if (guard.tryLeave()) {
                        return; // onWritePossible follows
                    }
                    continue;
                }
                switch (now) {
                    case WRITE -> {
                        byte[] bytes;
                        synchronized (this) {
                            bytes = chunk;
                            chunk = null;
                            step = Step.FLUSH;
                        }
                        out.write(bytes);
                    }
                    case FLUSH -> {
                        synchronized (this) {
                            step = Step.REPORT;
                        }
                        out.flush();
                    }
                    case REPORT -> {
                        synchronized (this) {
                            report = whenWritten;
                            clear();
                        }
                    }
                    default -> throw new IllegalStateException(now.name());
                }
            } catch (IOException | RuntimeException e) {
                Consumer<Throwable> failed;
                synchronized (this) {
                    failed = whenFailed;
                    clear();
                }
                guard.leave();
                if (failed != null) {
                    failed.accept(e);
                }
                return;
            }
            if (report != null) {
                report.run(); // may start the next write from here: this loop takes it
            }
        }
    }

    /** Under the lock: no write in progress. */
    private void clear() {
        step = Step.IDLE;
        chunk = null;
        whenWritten = null;
        whenFailed = null;
    }

    /**
     * The stream is over (the container ended the response, or the owner did): no more writes. A
     * round of writes in progress on another thread leaves first, waited for briefly: after the
     * container's callback returns it recycles the request, and a late write would land in
     * whatever it serves next. The write in progress, if any, fails with {@code cause}.
     *
     * @return false when a round of writes was still in progress after the wait
     */
    boolean end(Throwable cause) {
        Consumer<Throwable> failed;
        synchronized (this) {
            if (ended) {
                return true;
            }
            ended = true;
            failed = step == Step.IDLE ? null : whenFailed;
            clear();
        }
        boolean idle;
        try {
            idle = guard.awaitIdle(200, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            idle = false;
        }
        if (failed != null) {
            failed.accept(cause);
        }
        return idle;
    }

    /** The owner is done with the stream: no more writes, nothing waited for. */
    synchronized void close() {
        ended = true;
        clear();
    }
}
