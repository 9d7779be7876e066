package dev.switchboard.session;

import jakarta.websocket.CloseReason;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The open connections of one deployment and the counters about them. Closes them all with
 * 1001 (going away) when the deployment stops.
 */
public final class SessionRegistry {

    private static final Logger LOG = Logger.getLogger(SessionRegistry.class.getName());
    /**
     * One line per connection opened and closed (id, address, user, transport; how it ended), at
     * FINE: an admin turns it on with this logger's level (logging.properties, or JMX's
     * {@code setLogLevel("dev.switchboard.connections", "FINE")}).
     */
    private static final Logger CONNECTIONS = Logger.getLogger("dev.switchboard.connections");

    /** Why a connection was closed by us, for counting. */
    public enum CloseCause {
        MESSAGE_TOO_BIG, SLOW_CONSUMER, SEND_FAILED, HANDLER_ERROR, SHUTDOWN, RATE_LIMITED, OVER_BUDGET
    }

    private final Map<String, Connection> open = new ConcurrentHashMap<>();
    /** Open connections per client address; an address with none has no entry. */
    private final ConcurrentHashMap<String, Integer> perAddress = new ConcurrentHashMap<>();
    /**
     * Handshakes admitted whose connection has not opened yet, per address, by admission time:
     * the container answers 101 before the endpoint opens, so without them a client could open
     * one connection more than its limit. Each opening connection takes its address's oldest;
     * one that never opens (the upgrade failed) is forgotten by {@link #expireAdmissions}.
     */
    private final ConcurrentHashMap<String, java.util.ArrayDeque<Long>> admitted = new ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicInteger admittedCount = new java.util.concurrent.atomic.AtomicInteger();
    private final LongAdder opened = new LongAdder();
    private final LongAdder closed = new LongAdder();
    private final LongAdder messagesIn = new LongAdder();
    private final LongAdder messagesOut = new LongAdder();
    private final LongAdder directWritesEnded = new LongAdder();
    private final LongAdder directWritesResumed = new LongAdder();
    private final Map<CloseCause, LongAdder> closedBy = new ConcurrentHashMap<>();
    /** A thread draining the server, woken when a connection goes. */
    private volatile Thread waiter;

    public SessionRegistry() {
        for (CloseCause cause : CloseCause.values()) {
            closedBy.put(cause, new LongAdder());
        }
    }

    public void add(Connection connection) {
        if (open.put(connection.id(), connection) == null) {
            String address = addressOf(connection);
            perAddress.merge(address, 1, Integer::sum);
            admitted.computeIfPresent(address, (a, times) -> {
                synchronized (times) {
                    times.poll();
                }
                admittedCount.decrementAndGet();
                return times.isEmpty() ? null : times;
            });
            CONNECTIONS.fine(() -> "opened " + describe(connection));
        }
        opened.increment();
    }

    private static String describe(Connection connection) {
        ConnectionInfo info = connection.info();
        java.security.Principal user = connection.principal();
        return connection.id() + " from " + addressOf(connection) + " user " + (user == null ? "-" : user.getName())
                + " on " + (info == null || info.requestUri() == null ? connection.getClass().getSimpleName()
                : info.requestUri().getPath());
    }

    public void remove(Connection connection) {
        remove(connection, null);
    }

    /** @param how how it ended (a close code and reason), for the connection log; null when not known */
    public void remove(Connection connection, String how) {
        if (open.remove(connection.id()) != null) {
            CONNECTIONS.fine(() -> "closed " + describe(connection) + (how == null ? "" : ": " + how));
            perAddress.computeIfPresent(addressOf(connection), (a, n) -> n <= 1 ? null : n - 1);
            closed.increment();
            Thread waiting = waiter;
            if (waiting != null) {
                java.util.concurrent.locks.LockSupport.unpark(waiting);
            }
        }
    }

    /**
     * Waits until at most {@code count} connections are open, or the deadline passes (the server
     * draining); a closing connection wakes it. Answers how many are open then.
     */
    public int awaitAtMost(int count, java.time.Duration deadline) {
        long end = System.nanoTime() + deadline.toNanos();
        waiter = Thread.currentThread();
        try {
            long left;
            while (open.size() > count && (left = end - System.nanoTime()) > 0 && !Thread.currentThread().isInterrupted()) {
                java.util.concurrent.locks.LockSupport.parkNanos(this, left);
            }
            return open.size();
        } finally {
            waiter = null;
        }
    }

    /** Open connections from one client address, with its admitted handshakes not yet open. */
    public int openFrom(String address) {
        java.util.ArrayDeque<Long> pending = admitted.get(address);
        int opening;
        if (pending == null) {
            opening = 0;
        } else {
            synchronized (pending) {
                opening = pending.size();
            }
        }
        return perAddress.getOrDefault(address, 0) + opening;
    }

    /** Open connections, with admitted handshakes not yet open. */
    public int openOrOpening() {
        return open.size() + admittedCount.get();
    }

    /** A handshake from {@code address} was admitted; its connection counts from now. */
    public void admitted(String address) {
        admitted.compute(address, (a, times) -> {
            java.util.ArrayDeque<Long> t = times == null ? new java.util.ArrayDeque<>() : times;
            synchronized (t) {
                t.add(System.nanoTime());
            }
            admittedCount.incrementAndGet();
            return t;
        });
    }

    /** Forgets admissions older than {@code ageNanos} whose connection never opened. */
    public void expireAdmissions(long ageNanos) {
        long cutoff = System.nanoTime() - ageNanos;
        for (String address : admitted.keySet()) {
            admitted.computeIfPresent(address, (a, times) -> {
                synchronized (times) {
                    while (!times.isEmpty() && times.peek() - cutoff < 0) {
                        times.poll();
                        admittedCount.decrementAndGet();
                    }
                }
                return times.isEmpty() ? null : times;
            });
        }
    }

    private static String addressOf(Connection connection) {
        String address = connection.info() == null ? null : connection.info().remoteAddress();
        return address == null ? "unknown" : address;
    }

    public void countClose(CloseCause cause) {
        closedBy.get(cause).increment();
    }

    /** Counts connections' direct (blocking) writes ending (one was slow) and coming back (see {@link WebSocketSink}). */
    final WebSocketSink.DirectWrites directWrites = new WebSocketSink.DirectWrites() {
        @Override
        public void ended() {
            directWritesEnded.increment();
        }

        @Override
        public void resumed() {
            directWritesResumed.increment();
        }
    };

    public void countIn() {
        messagesIn.increment();
    }

    public void countOut() {
        messagesOut.increment();
    }

    public int openCount() {
        return open.size();
    }

    /** The open connections, one line each: id, address, user (for an admin's listing). */
    public java.util.List<String> describe() {
        java.util.List<String> out = new java.util.ArrayList<>();
        for (Connection c : open.values()) {
            out.add(c.id() + " " + addressOf(c) + " " + (c.principal() == null ? "-" : c.principal().getName()));
        }
        java.util.Collections.sort(out);
        return out;
    }

    /** Closes one open connection (an admin's decision); false when there is no such connection. */
    public boolean close(String id, CloseReason reason) {
        Connection c = open.get(id);
        if (c == null || !c.isOpen()) {
            return false;
        }
        c.close(reason);
        return true;
    }

    /** Closes every open connection with 1001; called when the deployment stops. */
    public void closeAll(String reason) {
        CloseReason going = new CloseReason(CloseReason.CloseCodes.GOING_AWAY, reason);
        for (Connection connection : open.values()) {
            if (!connection.isOpen()) {
                continue; // already closing for a reason of its own, counted there
            }
            try {
                countClose(CloseCause.SHUTDOWN);
                connection.close(going);
            } catch (RuntimeException e) {
                LOG.log(Level.FINE, "closing " + connection.id() + " at shutdown failed", e);
            }
        }
    }

    /** The counters, by name, for /stats. */
    public Map<String, Long> counters() {
        Map<String, Long> out = new LinkedHashMap<>();
        out.put("open", (long) open.size());
        out.put("opened", opened.sum());
        out.put("closed", closed.sum());
        out.put("messagesIn", messagesIn.sum());
        out.put("messagesOut", messagesOut.sum());
        out.put("closedTooBig", closedBy.get(CloseCause.MESSAGE_TOO_BIG).sum());
        out.put("closedSlowConsumer", closedBy.get(CloseCause.SLOW_CONSUMER).sum());
        out.put("closedSendFailed", closedBy.get(CloseCause.SEND_FAILED).sum());
        out.put("closedHandlerError", closedBy.get(CloseCause.HANDLER_ERROR).sum());
        out.put("closedShutdown", closedBy.get(CloseCause.SHUTDOWN).sum());
        out.put("closedRateLimited", closedBy.get(CloseCause.RATE_LIMITED).sum());
        out.put("closedOverBudget", closedBy.get(CloseCause.OVER_BUDGET).sum());
        out.put("directWritesEnded", directWritesEnded.sum());
        out.put("directWritesResumed", directWritesResumed.sum());
        return out;
    }
}
