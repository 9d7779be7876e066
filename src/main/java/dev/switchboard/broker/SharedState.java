package dev.switchboard.broker;

import java.time.Duration;
import java.util.List;

/**
 * Small state every node sees the same (Redis when the relay is on): counters of who is present
 * and bounded lists (a chat room's members and history). Counts are kept per node, and a node
 * that is gone (killed) no longer counts. A call may fail when the store cannot be reached: the
 * caller then falls back to what it knows itself.
 */
public interface SharedState {

    /** The store could not be reached or did not answer in time. */
    final class Unavailable extends Exception {
        public Unavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * Adds {@code by} to this node's count of {@code name} under {@code key}; returns the count of
     * {@code name} over every live node afterwards.
     */
    long count(String key, String name, int by) throws Unavailable;

    /** The names whose count over live nodes is above zero, sorted. */
    List<String> names(String key) throws Unavailable;

    /**
     * Appends to a list that keeps its last {@code keep} entries and is forgotten {@code ttl} after
     * the last append; never blocks (a failure is counted, not reported).
     */
    void append(String key, byte[] entry, int keep, Duration ttl);

    /** The list's entries, oldest first. */
    List<byte[]> list(String key) throws Unavailable;
}
