package dev.switchboard.session;

import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;

/**
 * Keeps a log line that clients can cause from flooding the log: the first {@code loud} times at
 * the level asked for, then at FINE (still there for whoever turns FINE on, and counted elsewhere).
 */
public final class LogLimit {

    private final long loud;
    private final AtomicLong count = new AtomicLong();

    public LogLimit(long loud) {
        this.loud = loud;
    }

    /** The level for this occurrence. */
    public Level level(Level wanted) {
        return count.incrementAndGet() <= loud ? wanted : Level.FINE;
    }
}
