package dev.switchboard.session;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A connection's outbound pipeline, the one every transport uses: a queue bounded by size, the
 * items that piled up behind a write leaving together in the next one, a consumer that stays
 * behind cut off, and one write in flight at a time through the transport's {@link OutboundSink}.
 *
 * <p>Callers never block and never write under the lock: {@link #offer} queues, and the thread
 * that finds the write side idle writes until nothing waits (or, given a writer executor, hands
 * that to a writer thread: a publisher fanning out to many connections only queues). A write that
 * completes on the writing thread is continued by its loop, not by recursion; one that completes
 * later continues on the completing thread. A writer thread takes one write per turn when others
 * wait, so connections take turns and what piles up for one meanwhile leaves together.
 *
 * <p>The pipeline's state is two enums, each changed only through its transition method:
 * {@link Phase} (what it accepts) and {@link Side} (who writes). A sink may be fixed (a WebSocket)
 * or attached and detached over time (SockJS's HTTP receivers: what waits with no receiver stays
 * until the next one comes).
 *
 * <p>Limits: more than {@code maxQueued} waiting (a lone item larger than that still goes), a
 * write in flight for longer than {@code stall} while more waits, or a backlog the connection's
 * {@link MemoryBudget} account cannot cover (see {@link OutboundGrant}) cuts the pipeline: what
 * waits is dropped (control items stay), {@link Offer#OVERFLOW} tells the caller, and its owner closes the connection
 * (with a last control item, where the protocol has one).
 *
 * <p>Over 400 lines on purpose: the queue, the two state enums, the memory grant and the write
 * loop share one lock and one set of invariants (one writer at a time, sizes that match what
 * waits and what is in flight); split apart, each part would have to trust the others' locking.
 * The unit test OutboundTest drives it at its edges.
 */
public final class Outbound {

    /** What became of an offered item. */
    public enum Offer { QUEUED, CLOSED, OVERFLOW }

    /** What became of a sink offered to a detached pipeline. */
    public enum Attach { ATTACHED, TAKEN, CLOSED }

    /** What the pipeline accepts. */
    enum Phase {
        /** Items are accepted. */
        OPEN,
        /** Overflowed: what waited was dropped, items are refused, the owner's close is expected. */
        CUT,
        /** Closed to items; what waits (and the last item) is still written, then CLOSED. */
        CLOSING,
        /** Nothing more is written. */
        CLOSED;

        boolean mayBecome(Phase next) {
            return switch (this) {
                case OPEN -> next != OPEN;
                case CUT -> next == CLOSING || next == CLOSED;
                case CLOSING -> next == CLOSED;
                case CLOSED -> false;
            };
        }
    }

    /** Who writes. */
    enum Side {
        /** A sink is attached and nobody writes. */
        IDLE,
        /** One thread owns the write side: a write is scheduled, being made or in flight. */
        BUSY,
        /** No sink: items wait for one. */
        DETACHED
    }

    private final Object lock = new Object();
    private final boolean fixedSink;
    private final long maxQueued;
    private final long stallNanos;
    private final int coalesceMax;
    private final OutboundGrant grant;
    private final Consumer<Throwable> onFailure;

    // guarded by lock
    private final ArrayDeque<Outgoing> pending = new ArrayDeque<>();
    private OutboundSink sink;
    private Phase phase = Phase.OPEN;
    private Side side;
    private long queuedSize;     // pending plus in flight
    private int inFlightSize;
    private long writeStarted;   // System.nanoTime() when the write in flight started; 0: none in flight
    private long lastActivity = System.nanoTime();
    private long detachedAt;     // System.nanoTime() when the sink left; 0 while one is attached
    private Runnable afterClose;

    /**
     * @param sink        the transport, fixed for the pipeline's life; null: attached later ({@link #attach})
     * @param maxQueued   most characters/bytes waiting (plus in flight) before the reader is too slow
     * @param stall       longest one write may stay in flight while more waits
     * @param coalesceMax most characters/bytes joined into one write; 0: every item leaves alone
     * @param account     what a backlog past {@link OutboundGrant#FREE} is charged to
     * @param onFailure   told once when a write fails (the pipeline is then closed)
     */
    public Outbound(OutboundSink sink, long maxQueued, Duration stall, int coalesceMax, MemoryBudget.Account account,
                    Consumer<Throwable> onFailure) {
        this.sink = sink;
        this.fixedSink = sink != null;
        this.side = sink != null ? Side.IDLE : Side.DETACHED;
        this.detachedAt = sink != null ? 0 : nanoTimeNotZero();
        this.maxQueued = maxQueued;
        this.stallNanos = stall.toNanos();
        this.coalesceMax = coalesceMax;
        this.grant = new OutboundGrant(account);
        this.onFailure = onFailure;
    }

    // ---- transitions: the only places the state changes ----

    private void phase(Phase next) {
        if (!phase.mayBecome(next)) {
            throw new IllegalStateException("outbound phase " + phase + " cannot become " + next);
        }
        phase = next;
        if (next == Phase.CUT) {
            dropMessages();
        } else if (next == Phase.CLOSED) {
            pending.clear();
            queuedSize = inFlightSize;
            grant.releaseAll();
        }
    }

    /**
     * Under the lock: drops the messages waiting; control items stay (a protocol's open frame not
     * yet sent must still precede its close frame).
     */
    private void dropMessages() {
        pending.removeIf(item -> item.kind() == Outgoing.Kind.TEXT || item.kind() == Outgoing.Kind.BINARY);
        queuedSize = inFlightSize;
        for (Outgoing item : pending) {
            queuedSize += item.size();
        }
        grant.shrunk(queuedSize);
    }

    private void side(Side next) {
        if (next == Side.DETACHED && fixedSink) {
            next = Side.IDLE; // a fixed sink stays: nothing more is written once CLOSED anyway
        }
        if (next == Side.DETACHED) {
            sink = null;
            if (side != Side.DETACHED) {
                detachedAt = nanoTimeNotZero();
            }
        } else {
            detachedAt = 0;
        }
        side = next;
    }

    private static long nanoTimeNotZero() {
        long now = System.nanoTime();
        return now == 0 ? 1 : now;
    }

    /** Under the lock: the action to run now that the phase is CLOSED, once. */
    private Runnable closedAction() {
        if (phase != Phase.CLOSED) {
            return null;
        }
        Runnable action = afterClose;
        afterClose = null;
        return action;
    }

    // ---- items in ----

    /** Queues an item; the write starts on the calling thread when nobody writes. */
    public Offer offer(Outgoing item) {
        return offer(item, null);
    }

    /**
     * As {@link #offer(Outgoing)}; when nobody writes and {@code writer} is given, the write starts
     * on that executor instead of the calling thread.
     */
    public Offer offer(Outgoing item, Executor writer) {
        int size = item.size();
        synchronized (lock) {
            if (phase != Phase.OPEN) {
                return Offer.CLOSED;
            }
            if (queuedSize > 0 && (queuedSize + size > maxQueued || writeStarted != 0 && stalled(System.nanoTime())
                    || !grant.cover(queuedSize + size))) {
                phase(Phase.CUT);
                return Offer.OVERFLOW;
            }
            pending.add(item);
            queuedSize += size;
            if (side != Side.IDLE) {
                return Offer.QUEUED;
            }
            side(Side.BUSY);
        }
        start(writer);
        return Offer.QUEUED;
    }

    /**
     * Queues {@code beat} when a sink is attached, the pipeline open and nothing was written for
     * {@code intervalNanos}; true when it was queued.
     */
    public boolean heartbeat(Outgoing beat, long now, long intervalNanos, Executor writer) {
        synchronized (lock) {
            if (phase != Phase.OPEN || side == Side.DETACHED || now - lastActivity < intervalNanos) {
                return false;
            }
            lastActivity = now;
        }
        return offer(beat, writer) == Offer.QUEUED;
    }

    /** Cuts the pipeline (as an overflow would) when items wait behind a write stuck past the stall limit. */
    public boolean cutIfStalled(long now) {
        synchronized (lock) {
            if (phase != Phase.OPEN || pending.isEmpty() || !stalled(now)) {
                return false;
            }
            phase(Phase.CUT);
            return true;
        }
    }

    private boolean stalled(long now) {
        return writeStarted != 0 && now - writeStarted > stallNanos;
    }

    /** Whether items are still accepted. */
    public boolean isOpen() {
        synchronized (lock) {
            return phase == Phase.OPEN;
        }
    }

    // ---- closing ----

    /**
     * Refuses further items; what waits is written, then {@code last} (if not null), then
     * {@code then} runs (at once when nothing waits or is in flight). With {@code dropPending} the
     * messages waiting are dropped first (control items stay). A second close only adds its
     * action (and may drop what waits).
     */
    public void close(Outgoing last, boolean dropPending, Runnable then) {
        Runnable closed;
        boolean start = false;
        synchronized (lock) {
            afterClose = then == null ? afterClose : afterClose == null ? then : chain(afterClose, then);
            if (phase == Phase.OPEN || phase == Phase.CUT) {
                if (dropPending) {
                    dropMessages();
                }
                if (last != null) {
                    pending.add(last);
                    queuedSize += last.size();
                }
                phase(Phase.CLOSING);
            } else if (phase == Phase.CLOSING && dropPending) {
                dropMessages();
            }
            if (phase == Phase.CLOSING && side != Side.BUSY) {
                if (pending.isEmpty()) {
                    phase(Phase.CLOSED);
                } else if (side == Side.IDLE) {
                    side(Side.BUSY);
                    start = true;
                }
            }
            closed = closedAction();
        }
        if (start) {
            drain(null);
        }
        if (closed != null) {
            closed.run();
        }
    }

    /** Closed at once: what waits is dropped; a write in flight completes unobserved; the close action runs. */
    public void abort() {
        Runnable closed;
        synchronized (lock) {
            if (phase != Phase.CLOSED) {
                phase(Phase.CLOSED);
            }
            closed = closedAction();
        }
        if (closed != null) {
            closed.run();
        }
    }

    private static Runnable chain(Runnable first, Runnable second) {
        return () -> {
            first.run();
            second.run();
        };
    }

    // ---- sinks coming and going (SockJS's HTTP receivers) ----

    /** Attaches a sink to a detached pipeline; what waits starts leaving (on {@code writer}, when given). */
    public Attach attach(OutboundSink candidate, Executor writer) {
        synchronized (lock) {
            if (phase == Phase.CLOSED) {
                return Attach.CLOSED;
            }
            if (side != Side.DETACHED) {
                return Attach.TAKEN;
            }
            sink = candidate;
            lastActivity = System.nanoTime();
            if (pending.isEmpty()) {
                side(Side.IDLE);
                return Attach.ATTACHED;
            }
            side(Side.BUSY);
        }
        start(writer);
        return Attach.ATTACHED;
    }

    /** {@link System#nanoTime()} when the last sink left; 0 while one is attached (or for good, for a fixed sink). */
    public long detachedSince() {
        synchronized (lock) {
            return detachedAt;
        }
    }

    /** The sink attached now, or null. */
    public OutboundSink attached() {
        synchronized (lock) {
            return sink;
        }
    }

    /**
     * The sink broke outside a write (its peer went away while nothing was being written): when it
     * is the one attached, the pipeline fails as a failed write would. False when it was not.
     */
    public boolean sinkFailed(OutboundSink broken, Throwable cause) {
        synchronized (lock) {
            if (sink != broken || phase == Phase.CLOSED) {
                return false;
            }
        }
        failed(cause);
        return true;
    }

    // ---- writing ----

    private void start(Executor writer) {
        if (writer != null) {
            try {
                writer.execute(() -> drain(writer));
                return;
            } catch (RejectedExecutionException stopping) {
                // the deployment is stopping: write from here
            }
        }
        drain(null);
    }

    /**
     * Writes until nothing waits, the sink detaches, or a write goes on after its call returned
     * (its completion continues). On a writer thread ({@code turnsOn}), one write per turn while
     * more waits.
     */
    private void drain(Executor turnsOn) {
        while (true) {
            Batch batch;
            OutboundSink to;
            Runnable closed = null;
            synchronized (lock) {
                batch = take();
                to = sink;
                if (batch == null) {
                    closed = closedAction();
                }
            }
            if (batch == null) {
                if (closed != null) {
                    closed.run();
                }
                return;
            }
            Write write = new Write();
            try {
                to.write(batch, turnsOn != null, write);
            } catch (RuntimeException e) {
                write.failed(e);
            }
            if (write.leave()) {
                return; // its completion continues the drain
            }
            if (turnsOn != null && othersFirst()) {
                Executor writer = turnsOn;
                try {
                    writer.execute(() -> drain(writer));
                    return;
                } catch (RejectedExecutionException stopping) {
                    turnsOn = null;
                }
            }
        }
    }

    /** Whether a writer thread should let other connections write before this one's next write. */
    private boolean othersFirst() {
        synchronized (lock) {
            return side == Side.BUSY && phase != Phase.CLOSED && !pending.isEmpty();
        }
    }

    /**
     * Under the lock, by the thread owning the write side: the next batch, or null (then the side
     * is left: idle, detached, or closed when closing and nothing is left).
     */
    private Batch take() {
        if (side != Side.BUSY) {
            return null; // detached or failed meanwhile
        }
        if (phase == Phase.CLOSED || pending.isEmpty()) {
            if (phase == Phase.CLOSING) {
                phase(Phase.CLOSED);
            }
            side(Side.IDLE);
            return null;
        }
        Outgoing first = pending.poll();
        Outgoing.Kind kind = first.kind();
        int size = first.size();
        Outgoing[] items;
        int count = 1;
        if ((kind == Outgoing.Kind.TEXT || kind == Outgoing.Kind.BINARY) && coalesceMax > 0 && !pending.isEmpty()
                && pending.peek().kind() == kind && size + pending.peek().size() <= coalesceMax) {
            items = new Outgoing[Math.min(pending.size() + 1, 64)];
            items[0] = first;
            while (!pending.isEmpty() && pending.peek().kind() == kind && size + pending.peek().size() <= coalesceMax) {
                if (count == items.length) {
                    items = Arrays.copyOf(items, count * 2);
                }
                size += pending.peek().size();
                items[count++] = pending.poll();
            }
        } else {
            items = new Outgoing[] {first};
        }
        inFlightSize = size;
        writeStarted = nanoTimeNotZero();
        lastActivity = writeStarted;
        return new Batch(kind, items, count, size, phase == Phase.CLOSING && pending.isEmpty());
    }

    /** Under the lock: the write in flight ended. */
    private Runnable written(boolean endOfResponse) {
        queuedSize -= inFlightSize;
        grant.shrunk(queuedSize);
        inFlightSize = 0;
        writeStarted = 0;
        if (endOfResponse && side == Side.BUSY) {
            side(Side.DETACHED);
            if (phase == Phase.CLOSING && pending.isEmpty()) {
                phase(Phase.CLOSED);
            }
        }
        return closedAction();
    }

    private void failed(Throwable cause) {
        boolean report;
        Runnable closed;
        synchronized (lock) {
            report = phase != Phase.CLOSED;
            if (report) {
                phase(Phase.CLOSED);
            }
            side(Side.DETACHED);
            closed = closedAction();
        }
        if (report) {
            onFailure.accept(cause);
        }
        if (closed != null) {
            closed.run();
        }
    }

    /**
     * One write's completion: reported once; continues the drain when the writing thread has
     * left. Its state is three bits of one atomic int: whether the sink reported, whether that
     * report's accounting is done, whether the writing thread left before it.
     */
    private final class Write extends AtomicInteger implements OutboundSink.Done {
        private static final int REPORTED = 1;
        private static final int DONE = 2;
        private static final int LEFT = 4;

        @Override
        public void written(boolean endOfResponse) {
            if ((getAndUpdate(x -> x | REPORTED) & REPORTED) != 0) {
                return;
            }
            Runnable closed;
            synchronized (lock) {
                closed = Outbound.this.written(endOfResponse);
            }
            if (closed != null) {
                closed.run();
            }
            if ((getAndUpdate(x -> x | DONE) & LEFT) != 0) {
                drain(null); // the writing thread left first: go on from here
            }
        }

        @Override
        public void failed(Throwable cause) {
            if ((getAndUpdate(x -> x | REPORTED) & REPORTED) != 0) {
                return;
            }
            synchronized (lock) {
                Outbound.this.written(false);
            }
            Outbound.this.failed(cause == null ? new IOException("write failed") : cause);
            getAndUpdate(x -> x | DONE);
        }

        /** The writing thread returns: true when the write is still in flight (its completion continues). */
        boolean leave() {
            return (getAndUpdate(x -> (x & DONE) != 0 ? x : x | LEFT) & DONE) == 0;
        }
    }

    @Override
    public String toString() {
        synchronized (lock) {
            return "Outbound[" + phase + ", " + side + ", " + pending.size() + " waiting, " + queuedSize + " queued]";
        }
    }
}
