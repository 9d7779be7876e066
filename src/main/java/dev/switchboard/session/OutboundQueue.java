package dev.switchboard.session;

import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.SendHandler;
import jakarta.websocket.SendResult;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.function.Consumer;

/**
 * A connection's bounded queue of outgoing messages and the one asynchronous write in flight.
 *
 * <p>With coalescing on (protocols whose messages may be joined, such as STOMP, where one
 * WebSocket message may carry several frames), everything that piled up behind a write in
 * flight leaves in the next write, up to {@link #COALESCE_MAX}: under backlog the socket sees few
 * large writes, while a lone message still leaves at once.
 *
 * <p>Callers never block and never write under a lock: {@link #offer} queues, and the thread
 * that finds the socket idle drains the queue, one send at a time, until it is empty. A send that
 * completes on the sending thread is continued by the loop, not by recursion; one that completes
 * later on another thread continues the drain from there.
 *
 * <p>Direct writes: a write turn on a writer thread (fan-out) uses the container's blocking send
 * while the connection keeps up. To a reader with room in its socket buffer that send returns at
 * once, and it costs a fraction of an asynchronous one (Tomcat hands every asynchronous
 * completion to another thread). The first blocking send that takes longer than
 * {@link #DIRECT_WRITE_MAX_NANOS} — the reader's buffer was full — turns direct writes off for
 * this connection for good: from then on it is written asynchronously, bounded by the queue's
 * limits as before. That one send holds its writer thread until the reader makes room or the
 * container's blocking-send timeout ends it (the connection then fails as a slow consumer);
 * the {@link WriterPool} adds a thread meanwhile so the other connections' writes go on.
 */
final class OutboundQueue {

    enum Offer { QUEUED, CLOSED, OVERFLOW }

    /** Most characters or bytes joined into one write. */
    static final int COALESCE_MAX = 64 * 1024;

    /** Bytes made of parts sent as one binary message (a pre-encoded frame around a per-recipient header). */
    record BinaryParts(byte[][] parts, int length) {
        void appendTo(ByteBuffer out) {
            for (byte[] part : parts) {
                out.put(part);
            }
        }

        ByteBuffer join() {
            ByteBuffer out = ByteBuffer.allocate(length);
            appendTo(out);
            return out.flip();
        }
    }

    /** A control message sent as it is, never framed or joined with others (see {@link MessageFraming}). */
    record Verbatim(String text) {
    }

    private static boolean binary(Object item) {
        return item instanceof ByteBuffer || item instanceof BinaryParts;
    }

    /** Text made of parts sent as one message (a pre-encoded frame around a per-recipient header). */
    record TextParts(String[] parts, int length) {
        void appendTo(StringBuilder out) {
            for (String part : parts) {
                out.append(part);
            }
        }

        String join() {
            StringBuilder out = new StringBuilder(length);
            appendTo(out);
            return out.toString();
        }
    }

    /** A blocking send slower than this means the reader's socket buffer was full: no more direct writes. */
    static final long DIRECT_WRITE_MAX_NANOS = java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(2);

    private final RemoteEndpoint.Async remote;
    private final RemoteEndpoint.Basic basic;   // null: never direct
    private boolean direct;                     // touched only by the drainer of the moment
    private final Runnable directEnded;
    private final long max;
    private final long stallNanos;
    private final boolean coalesce;
    private final MessageFraming framing;
    private final Consumer<Throwable> onFailure;
    private final SendHandler handler = this::onSent;
    private final OutboundGrant grant;   // guarded by lock

    private final Object lock = new Object();
    private final ArrayDeque<Object> pending = new ArrayDeque<>();
    private long queuedSize;      // pending plus in flight
    private int inFlightSize;
    private boolean draining;     // some thread owns the socket's write side
    private boolean inSend;       // the drainer is inside the container's send call
    private boolean sendDone;     // the last send completed
    private boolean shut;
    private long sendStarted;     // System.nanoTime() when the write in flight started
    private Runnable whenDrained; // runs once nothing is pending or in flight

    /**
     * With {@code basic}, writer threads write directly (see the class comment) and
     * {@code directEnded} runs when that stops; with {@code framing}, text messages leave wrapped
     * by it, several to a frame when coalescing.
     *
     * @param maxQueued most characters/bytes pending (plus in flight) before the reader is too slow
     * @param stall     longest one write may stay in flight while more waits behind it
     * @param account   what the backlog past {@link OutboundGrant#FREE} is charged to
     */
    OutboundQueue(RemoteEndpoint.Async remote, RemoteEndpoint.Basic basic, Runnable directEnded, long maxQueued,
                  java.time.Duration stall, boolean coalesce, MessageFraming framing, Consumer<Throwable> onFailure,
                  MemoryBudget.Account account) {
        this.grant = new OutboundGrant(account);
        this.directEnded = directEnded;
        this.framing = framing;
        this.remote = remote;
        this.basic = basic;
        this.direct = basic != null;
        this.max = maxQueued;
        this.stallNanos = stall.toNanos();
        this.coalesce = coalesce;
        this.onFailure = onFailure;
    }

    /**
     * Queues a String, a ByteBuffer, {@link TextParts} or {@link BinaryParts}. A lone message larger than the limit
     * still goes. Overflows when the queue would pass its size, or when the write in flight has
     * been stuck longer than the stall limit while more waits.
     */
    Offer offer(Object message) {
        return offer(message, null);
    }

    /**
     * As {@link #offer(Object)}; when the socket is idle and {@code writer} is given, the write
     * starts on that executor instead of the calling thread. A publisher fanning out to many
     * connections only queues, and whatever piles up for one connection until its writer runs
     * leaves in one write.
     */
    Offer offer(Object message, java.util.concurrent.Executor writer) {
        int size = sizeOf(message);
        synchronized (lock) {
            if (shut) {
                return Offer.CLOSED;
            }
            if (queuedSize > 0 && (queuedSize + size > max
                    || (inFlightSize > 0 && System.nanoTime() - sendStarted > stallNanos)
                    || !grant.cover(queuedSize + size))) {
                shut = true;
                pending.clear();
                grant.releaseAll();
                return Offer.OVERFLOW;
            }
            pending.add(message);
            queuedSize += size;
            if (draining) {
                return Offer.QUEUED;
            }
            draining = true;
        }
        if (writer != null) {
            try {
                writer.execute(() -> drainTurn(writer));
                return Offer.QUEUED;
            } catch (java.util.concurrent.RejectedExecutionException stopping) {
                // the deployment is stopping: write from here
            }
        }
        drain();
        return Offer.QUEUED;
    }

    /** Drops what is queued and refuses more; the message in flight, if any, completes. */
    void shut() {
        synchronized (lock) {
            shut = true;
            pending.clear();
            grant.releaseAll();
        }
    }

    /**
     * Runs the action once everything queued so far has been written (or the queue failed or was
     * shut); at once when nothing is pending. Used to close after a last frame.
     */
    void whenDrained(Runnable action) {
        synchronized (lock) {
            if (draining || (!pending.isEmpty() && !shut)) {
                whenDrained = action;
                return;
            }
        }
        action.run();
    }

    private void runWhenDrained() {
        Runnable action;
        synchronized (lock) {
            action = whenDrained;
            whenDrained = null;
        }
        if (action != null) {
            action.run();
        }
    }

    private void drain() {
        drain(null);
    }

    /** One write on a writer thread; if more waits after it completes, the connection queues for another turn. */
    private void drainTurn(java.util.concurrent.Executor writer) {
        drain(writer);
    }

    private void drain(java.util.concurrent.Executor turnsOn) {
        while (true) {
            Object next;
            synchronized (lock) {
                next = shut ? null : pending.poll();
                if (next == null) {
                    draining = false;
                } else {
                    next = startSend(next);
                }
            }
            if (next == null) {
                runWhenDrained();
                return;
            }
            if (next instanceof Batch batch) {
                next = batch.build(framing); // joining and escaping happen outside the lock: offers go on meanwhile
            }
            if (direct && turnsOn != null) {
                if (!sendDirect(next)) {
                    return;
                }
                synchronized (lock) {
                    queuedSize -= inFlightSize;
                    grant.shrunk(queuedSize);
                    inFlightSize = 0;
                    inSend = false;
                    if (!pending.isEmpty() && !shut) {
                        break; // others' turn first, as below
                    }
                }
                continue;
            }
            try {
                if (next instanceof String text) {
                    remote.sendText(text, handler);
                } else {
                    remote.sendBinary((ByteBuffer) next, handler);
                }
            } catch (RuntimeException e) {
                fail(e);
                return;
            }
            synchronized (lock) {
                inSend = false;
                if (!sendDone) {
                    return; // onSent continues the drain when the write completes
                }
                if (turnsOn != null && !pending.isEmpty() && !shut) {
                    break; // others' turn first; this connection's backlog goes in one write later
                }
            }
        }
        try {
            turnsOn.execute(() -> drainTurn(turnsOn));
        } catch (java.util.concurrent.RejectedExecutionException stopping) {
            drain(null);
        }
    }

    /**
     * Text items taken together for one write, joined (or framed) after the lock is released.
     * {@code size} is what they count against the queue's limit.
     */
    private record Batch(Object[] items, int count, int size) {
        String build(MessageFraming framing) {
            StringBuilder out = new StringBuilder(framing == null ? size : size + size / 4 + 16);
            if (framing != null) {
                out.append(framing.prefix());
            }
            for (int i = 0; i < count; i++) {
                if (framing == null) {
                    appendText(out, items[i]);
                } else {
                    if (i > 0) {
                        out.append(framing.separator());
                    }
                    if (items[i] instanceof String text) {
                        framing.appendMessage(out, text);
                    } else {
                        framing.appendMessage(out, ((TextParts) items[i]).parts());
                    }
                }
            }
            if (framing != null) {
                out.append(framing.suffix());
            }
            return out.toString();
        }
    }

    /** Under the lock: takes what leaves in the next write (with what waits behind it, when coalescing) and marks the send. */
    private Object startSend(Object first) {
        Object next = first;
        int size = sizeOf(first);
        if (first instanceof Verbatim verbatim) {
            next = verbatim.text();
        } else if (binary(first)) {
            if (coalesce && !pending.isEmpty() && size < COALESCE_MAX) {
                next = joinBinary(first);
                size = sizeOf(next);
            }
            if (next instanceof BinaryParts parts) {
                next = parts.join();
            }
        } else if (framing != null || coalesce && !pending.isEmpty() && joinable(pending.peek())) {
            Object[] items = new Object[Math.min(pending.size() + 1, 64)];
            int count = 0;
            items[count++] = first;
            while (coalesce && !pending.isEmpty() && joinable(pending.peek())
                    && size + sizeOf(pending.peek()) <= COALESCE_MAX) {
                if (count == items.length) {
                    items = java.util.Arrays.copyOf(items, count * 2);
                }
                size += sizeOf(pending.peek());
                items[count++] = pending.poll();
            }
            next = count == 1 && framing == null ? first : new Batch(items, count, size);
        }
        if (next instanceof TextParts parts) {
            next = parts.join();
        }
        inFlightSize = size;
        sendStarted = System.nanoTime();
        inSend = true;
        sendDone = false;
        return next;
    }

    /**
     * One blocking send on a writer thread; false when it failed (the queue is then failed). A
     * slow one ends direct writes for this connection. The caller accounts for the sent size.
     */
    private boolean sendDirect(Object next) {
        long start = System.nanoTime();
        try {
            if (next instanceof String text) {
                basic.sendText(text);
            } else {
                basic.sendBinary((ByteBuffer) next);
            }
        } catch (java.io.IOException | RuntimeException e) {
            slowDirect(start);
            fail(e);
            return false;
        }
        slowDirect(start);
        return true;
    }

    /** Ends direct writes when the blocking send begun at {@code start} was slow (whether or not it succeeded). */
    private void slowDirect(long start) {
        if (System.nanoTime() - start > DIRECT_WRITE_MAX_NANOS) {
            direct = false;
            directEnded.run();
        }
    }

    /** A text item that may share a write with the one before it. */
    private static boolean joinable(Object item) {
        return !binary(item) && !(item instanceof Verbatim);
    }

    private void onSent(SendResult result) {
        if (!result.isOK()) {
            fail(result.getException());
            return;
        }
        synchronized (lock) {
            queuedSize -= inFlightSize;
            grant.shrunk(queuedSize);
            inFlightSize = 0;
            sendDone = true;
            if (inSend) {
                return; // the drainer's loop goes on
            }
        }
        drain();
    }

    private void fail(Throwable cause) {
        synchronized (lock) {
            shut = true;
            draining = false;
            inSend = false;
            pending.clear();
            grant.releaseAll();
        }
        onFailure.accept(cause);
        runWhenDrained();
    }

    private static void appendText(StringBuilder out, Object item) {
        if (item instanceof String text) {
            out.append(text);
        } else {
            ((TextParts) item).appendTo(out);
        }
    }

    /** Under the lock: the first binary item and the binary items after it, up to the limit, as one. */
    private Object joinBinary(Object first) {
        int total = sizeOf(first);
        int count = 0;
        for (Object item : pending) {
            if (!binary(item) || total + sizeOf(item) > COALESCE_MAX) {
                break;
            }
            total += sizeOf(item);
            count++;
        }
        if (count == 0) {
            return first;
        }
        ByteBuffer out = ByteBuffer.allocate(total);
        appendBinary(out, first);
        for (int i = 0; i < count; i++) {
            appendBinary(out, pending.poll());
        }
        return out.flip();
    }

    private static void appendBinary(ByteBuffer out, Object item) {
        if (item instanceof ByteBuffer b) {
            out.put(b.duplicate());
        } else {
            ((BinaryParts) item).appendTo(out);
        }
    }

    private static int sizeOf(Object message) {
        if (message instanceof String text) {
            return text.length();
        }
        if (message instanceof Verbatim verbatim) {
            return verbatim.text().length();
        }
        if (message instanceof TextParts parts) {
            return parts.length();
        }
        if (message instanceof BinaryParts parts) {
            return parts.length();
        }
        return ((ByteBuffer) message).remaining();
    }
}
