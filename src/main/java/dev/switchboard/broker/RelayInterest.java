package dev.switchboard.broker;

import java.util.HashMap;
import java.util.Map;

/**
 * Which routing keys and globs this node has subscribers for, counted, so that the relay hears of
 * a destination when its first local subscriber comes and when its last one goes, and never per
 * subscriber. The count and the relay call happen under one lock, so the relay sees listen and
 * unlisten of one name in the order they happened.
 */
final class RelayInterest {

    private final Relay relay;
    private final Map<String, Integer> keys = new HashMap<>();
    private final Map<String, Integer> globs = new HashMap<>();
    private final Map<String, Integer> queues = new HashMap<>();

    RelayInterest(Relay relay) {
        this.relay = relay;
    }

    void add(Subscription s) {
        if (s.pattern != null) {
            change(globs, s.pattern.glob(), +1, true);
        } else {
            change(keys, s.routingKey(), +1, false);
        }
    }

    void remove(Subscription s) {
        if (s.pattern != null) {
            change(globs, s.pattern.glob(), -1, true);
        } else {
            change(keys, s.routingKey(), -1, false);
        }
    }

    /** A consumer of a shared queue came ({@code +1}) or went ({@code -1}). */
    synchronized void queue(String name, int by) {
        if (crossedZero(queues, name, by)) {
            relay.queues().consume(name, queues.containsKey(name));
        }
    }

    private synchronized void change(Map<String, Integer> counts, String name, int by, boolean glob) {
        if (crossedZero(counts, name, by)) {
            if (glob) {
                relay.listenPattern(name, counts.containsKey(name));
            } else {
                relay.listen(name, counts.containsKey(name));
            }
        }
    }

    /** Adds {@code by} to the name's count (gone at zero); true when it went from zero or to zero. */
    private static boolean crossedZero(Map<String, Integer> counts, String name, int by) {
        int before = counts.getOrDefault(name, 0);
        int after = Math.max(0, before + by);
        if (after == 0) {
            counts.remove(name);
        } else {
            counts.put(name, after);
        }
        return (before == 0) != (after == 0);
    }

    /** Destinations and patterns listened to, for {@code /stats}. */
    synchronized int[] counts() {
        return new int[] {keys.size(), globs.size(), queues.size()};
    }
}
