package dev.switchboard.session;

/**
 * The part of a connection's outbound backlog charged to the memory budget. The first
 * {@link #FREE} bytes of a backlog are the connection's own, bounded by the number of
 * connections; past them the backlog is charged to the connection's account in
 * {@link #CHUNK}-sized grants, so a reader that keeps up never touches the budget, and one that
 * falls behind takes its share of the node until it is cut. A refused grant makes the connection
 * a slow consumer (closed with 1008 and counted).
 *
 * <p>Why 64 KiB free: a busy reader that keeps up stays below it. At 16 KiB a busy reader took and
 * gave back a grant on most write cycles, and the 1→100 fan-out benchmark ran one step lower.
 *
 * <p>Not thread-safe: the owner calls it under the lock that guards its backlog's size.
 */
public final class OutboundGrant {

    static final long FREE = 64 * 1024;
    static final long CHUNK = 64 * 1024;

    private final MemoryBudget.Account account;
    private long granted;

    public OutboundGrant(MemoryBudget.Account account) {
        this.account = account;
    }

    /** The backlog is now {@code queued}: true when it is covered (grants taken as needed), false when refused. */
    public boolean cover(long queued) {
        long over = queued - FREE - granted;
        if (over <= 0) {
            return true;
        }
        long more = (over + CHUNK - 1) / CHUNK * CHUNK;
        try {
            account.reserve(MemoryBudget.Use.OUTBOUND, more);
        } catch (MemoryBudget.Refused e) {
            return false;
        }
        granted += more;
        return true;
    }

    /** The backlog shrank to {@code queued}: grants no longer needed go back (all, once it is within {@link #FREE}). */
    public void shrunk(long queued) {
        if (granted > 0 && queued <= FREE) {
            releaseAll();
        }
    }

    /** The connection is done: every grant goes back. */
    public void releaseAll() {
        if (granted > 0) {
            account.release(MemoryBudget.Use.OUTBOUND, granted);
            granted = 0;
        }
    }
}
