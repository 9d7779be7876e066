package dev.switchboard.session;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The bytes clients make the server hold — messages waiting in queues or unacknowledged,
 * transactions, frames being assembled, chat history, outbound backlogs of readers that fall
 * behind (see {@link OutboundGrant}) — counted against three limits at once:
 * the session's, the client address's and the node's. A reservation that would take any of them
 * over is refused whole, so one client fills its own share and stops there, and all clients
 * together stop before the heap does.
 *
 * <p>Each session holds an {@link Account}; what it reserved stays charged to its address and the
 * node until released, even after the session ends (a queued message outlives its sender). An
 * address's entry lives while it has sessions, bytes or destinations; then it is dropped, so the
 * map of addresses is bounded by what is held. Lock-free: counters are atomics, an address entry
 * is made and dropped inside the map's own per-key operations.
 */
public final class MemoryBudget {

    /** What the bytes are, for {@code /stats}. */
    public enum Use { QUEUED, TRANSACTIONS, FRAMES, CHAT, OUTBOUND }

    /** Which limit refused a reservation. */
    public enum Level { SESSION, ADDRESS, NODE }

    /**
     * @param node                      bytes for all clients together
     * @param perAddress                bytes for the sessions of one client address
     * @param perSession                bytes for one session
     * @param destinationsPerAddressMax queues and chat rooms one client address may have made and keep
     */
    public record Limits(long node, long perAddress, long perSession, int destinationsPerAddressMax) {
        @Override
        public String toString() {
            return "memory budget " + mib(node) + " (per address " + mib(perAddress) + ", per session "
                    + mib(perSession) + "), " + destinationsPerAddressMax + " destinations per address";
        }

        private static String mib(long bytes) {
            return (bytes >> 20) + " MiB";
        }
    }

    /** A reservation refused: which limit and what it is. */
    public static final class Refused extends Exception {
        private final Level level;

        Refused(Level level, String message) {
            super(message, null, false, false);
            this.level = level;
        }

        public Level level() {
            return level;
        }
    }

    private static final String UNKNOWN_ADDRESS = "unknown";

    private final Limits limits;
    private final AtomicLong used = new AtomicLong();
    private final Map<Use, LongAdder> usedBy = new EnumMap<>(Use.class);
    private final Map<Level, LongAdder> refused = new EnumMap<>(Level.class);
    private final LongAdder destinationsRefused = new LongAdder();
    private final ConcurrentHashMap<String, Address> addresses = new ConcurrentHashMap<>();
    private final Account node = new Account(null, false);

    public MemoryBudget(Limits limits) {
        this.limits = limits;
        for (Use use : Use.values()) {
            usedBy.put(use, new LongAdder());
        }
        for (Level level : Level.values()) {
            refused.put(level, new LongAdder());
        }
    }

    /** A budget that never refuses (tests and tools that measure nothing of it). */
    public static MemoryBudget unlimited() {
        return new MemoryBudget(new Limits(Long.MAX_VALUE / 4, Long.MAX_VALUE / 4, Long.MAX_VALUE / 4, Integer.MAX_VALUE));
    }

    public Limits limits() {
        return limits;
    }

    /** A session's account, charged to its client address (null or empty: one shared "unknown" address). */
    public Account open(String address) {
        String key = address == null || address.isEmpty() ? UNKNOWN_ADDRESS : address;
        Address[] holder = new Address[1];
        addresses.compute(key, (k, existing) -> {
            Address a = existing == null ? new Address(k) : existing;
            a.sessions++;
            holder[0] = a;
            return a;
        });
        return new Account(holder[0], true);
    }

    /** The node's own account: no session or address limit (data the server keeps for everyone, like chat history). */
    public Account node() {
        return node;
    }

    public long used() {
        return used.get();
    }

    /** Address entries held (each has a session, bytes or a destination). */
    public int addressCount() {
        return addresses.size();
    }

    /** Bytes, destinations and sessions of one client address: one entry per address with anything held. */
    private static final class Address {
        final String name;
        final AtomicLong used = new AtomicLong();
        volatile int sessions; // changed under the map's per-key lock; read alone as a hint
        int destinations;  // guarded by the map's per-key lock

        Address(String name) {
            this.name = name;
        }
    }

    /** One session's (or the node's) view of the budget. Thread-safe. */
    public final class Account {
        private final Address address;
        private final AtomicLong used;

        private Account(Address address, boolean perSession) {
            this.address = address;
            this.used = perSession ? new AtomicLong() : null;
        }

        /**
         * Reserves {@code bytes} for {@code use}, or refuses it whole.
         *
         * @throws Refused naming the limit that is full
         */
        public void reserve(Use use, long bytes) throws Refused {
            if (bytes <= 0) {
                return;
            }
            if (used != null && used.addAndGet(bytes) > limits.perSession()) {
                used.addAndGet(-bytes);
                throw refuse(Level.SESSION, "this session holds its whole share of the server's memory ("
                        + limits.perSession() + " bytes in queued messages, transactions and frames)");
            }
            if (address != null && address.used.addAndGet(bytes) > limits.perAddress()) {
                address.used.addAndGet(-bytes);
                undoSession(bytes);
                throw refuse(Level.ADDRESS, "the sessions of this client address hold their whole share of the"
                        + " server's memory (" + limits.perAddress() + " bytes)");
            }
            if (MemoryBudget.this.used.addAndGet(bytes) > limits.node()) {
                MemoryBudget.this.used.addAndGet(-bytes);
                if (address != null) {
                    address.used.addAndGet(-bytes);
                }
                undoSession(bytes);
                throw refuse(Level.NODE, "the server's memory budget for client data (" + limits.node()
                        + " bytes) is full; try again later");
            }
            usedBy.get(use).add(bytes);
        }

        /** Gives back what {@link #reserve} took. */
        public void release(Use use, long bytes) {
            if (bytes <= 0) {
                return;
            }
            undoSession(bytes);
            MemoryBudget.this.used.addAndGet(-bytes);
            usedBy.get(use).add(-bytes);
            if (address != null && address.used.addAndGet(-bytes) == 0 && address.sessions == 0) {
                dropIfEmpty(address); // a live session's close drops the entry: no map lock per release
            }
        }

        private void undoSession(long bytes) {
            if (used != null) {
                used.addAndGet(-bytes);
            }
        }

        /**
         * Counts one more destination (queue, chat room) made by this account's address.
         *
         * @throws Refused when the address has made as many as it may keep
         */
        public void createDestination(String what) throws Refused {
            if (address == null) {
                return;
            }
            boolean[] ok = new boolean[1];
            addresses.compute(address.name, (k, a) -> {
                Address current = a == null ? address : a;
                if (current.destinations < limits.destinationsPerAddressMax()) {
                    current.destinations++;
                    ok[0] = true;
                }
                return current;
            });
            if (!ok[0]) {
                destinationsRefused.increment();
                throw new Refused(Level.ADDRESS, "this client address keeps " + limits.destinationsPerAddressMax()
                        + " queues and rooms already; no new " + what);
            }
        }

        /** The destination counted by {@link #createDestination} is gone. */
        public void dropDestination() {
            if (address == null) {
                return;
            }
            addresses.computeIfPresent(address.name, (k, a) -> {
                a.destinations--;
                return a.sessions == 0 && a.destinations <= 0 && a.used.get() == 0 ? null : a;
            });
        }

        /** Bytes this session holds now (0 for the node's account). */
        public long used() {
            return used == null ? 0 : used.get();
        }

        /** The session ended: its address entry goes once nothing else holds it. */
        public void close() {
            if (address == null) {
                return;
            }
            addresses.computeIfPresent(address.name, (k, a) -> {
                a.sessions--;
                return a.sessions <= 0 && a.destinations <= 0 && a.used.get() == 0 ? null : a;
            });
        }
    }

    private void dropIfEmpty(Address address) {
        addresses.computeIfPresent(address.name, (k, a) ->
                a.sessions <= 0 && a.destinations <= 0 && a.used.get() == 0 ? null : a);
    }

    private Refused refuse(Level level, String message) {
        refused.get(level).increment();
        return new Refused(level, message);
    }

    /** Use and refusals, for {@code /stats}. */
    public Map<String, Object> stats() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("used", used.get());
        out.put("max", limits.node());
        out.put("perAddressMax", limits.perAddress());
        out.put("perSessionMax", limits.perSession());
        Map<String, Long> by = new LinkedHashMap<>();
        usedBy.forEach((use, bytes) -> by.put(use.name().toLowerCase(java.util.Locale.ROOT), bytes.sum()));
        out.put("usedBy", by);
        out.put("addresses", addresses.size());
        out.put("refusedSession", refused.get(Level.SESSION).sum());
        out.put("refusedAddress", refused.get(Level.ADDRESS).sum());
        out.put("refusedNode", refused.get(Level.NODE).sum());
        out.put("refusedDestinations", destinationsRefused.sum());
        return out;
    }
}
