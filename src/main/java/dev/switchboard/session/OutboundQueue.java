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
 * <p>Callers never block and never write under a lock: {@link #offer} queues, and the thread
 * that finds the socket idle drains the queue, one send at a time, until it is empty. A send that
 * completes on the sending thread is continued by the loop, not by recursion; one that completes
 * later on another thread continues the drain from there.
 */
final class OutboundQueue {

    enum Offer { QUEUED, CLOSED, OVERFLOW }

    private final RemoteEndpoint.Async remote;
    private final long max;
    private final Consumer<Throwable> onFailure;
    private final SendHandler handler = this::onSent;

    private final Object lock = new Object();
    private final ArrayDeque<Object> pending = new ArrayDeque<>();
    private long queuedSize;      // pending plus in flight
    private int inFlightSize;
    private boolean draining;     // some thread owns the socket's write side
    private boolean inSend;       // the drainer is inside the container's send call
    private boolean sendDone;     // the last send completed
    private boolean shut;

    OutboundQueue(RemoteEndpoint.Async remote, long maxQueued, Consumer<Throwable> onFailure) {
        this.remote = remote;
        this.max = maxQueued;
        this.onFailure = onFailure;
    }

    /** Queues a String or a ByteBuffer. A lone message larger than the limit still goes. */
    Offer offer(Object message) {
        int size = sizeOf(message);
        synchronized (lock) {
            if (shut) {
                return Offer.CLOSED;
            }
            if (queuedSize > 0 && queuedSize + size > max) {
                shut = true;
                pending.clear();
                return Offer.OVERFLOW;
            }
            pending.add(message);
            queuedSize += size;
            if (draining) {
                return Offer.QUEUED;
            }
            draining = true;
        }
        drain();
        return Offer.QUEUED;
    }

    /** Drops what is queued and refuses more; the message in flight, if any, completes. */
    void shut() {
        synchronized (lock) {
            shut = true;
            pending.clear();
        }
    }

    long queuedSize() {
        synchronized (lock) {
            return queuedSize;
        }
    }

    private void drain() {
        while (true) {
            Object next;
            synchronized (lock) {
                next = shut ? null : pending.poll();
                if (next == null) {
                    draining = false;
                    return;
                }
                inFlightSize = sizeOf(next);
                inSend = true;
                sendDone = false;
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
            }
        }
    }

    private void onSent(SendResult result) {
        if (!result.isOK()) {
            fail(result.getException());
            return;
        }
        synchronized (lock) {
            queuedSize -= inFlightSize;
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
        }
        onFailure.accept(cause);
    }

    private static int sizeOf(Object message) {
        return message instanceof String text ? text.length() : ((ByteBuffer) message).remaining();
    }
}
