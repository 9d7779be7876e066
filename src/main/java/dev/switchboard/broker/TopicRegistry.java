package dev.switchboard.broker;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who listens to which topic (and user) destination. Publishing reads arrays that are replaced,
 * never changed, on (un)subscribe, so fan-out takes no lock. Pattern subscriptions are matched
 * once per destination name and the result cached until a pattern subscription changes.
 */
final class TopicRegistry {

    private static final Subscription[] NONE = new Subscription[0];
    private static final int MATCH_CACHE_MAX = 10_000;

    private final Map<String, Subscription[]> exact = new ConcurrentHashMap<>();
    /** Pattern subscriptions with their match cache; replaced whole when they change. */
    private record PatternIndex(List<Subscription> patterns, Map<String, Subscription[]> matches) { }

    private volatile PatternIndex patternIndex = new PatternIndex(List.of(), new ConcurrentHashMap<>());
    private volatile int count;

    void add(Subscription s) {
        if (s.pattern != null) {
            synchronized (this) {
                List<Subscription> more = new ArrayList<>(patternIndex.patterns());
                more.add(s);
                patternIndex = new PatternIndex(List.copyOf(more), new ConcurrentHashMap<>());
            }
        } else {
            exact.compute(s.routingKey(), (k, old) -> {
                Subscription[] more = old == null ? new Subscription[1] : Arrays.copyOf(old, old.length + 1);
                more[more.length - 1] = s;
                return more;
            });
        }
        synchronized (this) {
            count++;
        }
    }

    /** Returns whether it was there. */
    boolean remove(Subscription s) {
        boolean removed;
        if (s.pattern != null) {
            synchronized (this) {
                List<Subscription> fewer = new ArrayList<>(patternIndex.patterns());
                removed = fewer.remove(s);
                patternIndex = new PatternIndex(List.copyOf(fewer), new ConcurrentHashMap<>());
            }
        } else {
            boolean[] found = new boolean[1];
            exact.computeIfPresent(s.routingKey(), (k, old) -> {
                List<Subscription> kept = new ArrayList<>(old.length);
                for (Subscription o : old) {
                    if (o == s) {
                        found[0] = true;
                    } else {
                        kept.add(o);
                    }
                }
                return kept.isEmpty() ? null : kept.toArray(NONE);
            });
            removed = found[0];
        }
        if (removed) {
            synchronized (this) {
                count--;
            }
        }
        return removed;
    }

    /** Exact subscribers of the destination. */
    Subscription[] exact(String destination) {
        Subscription[] subs = exact.get(destination);
        return subs == null ? NONE : subs;
    }

    /** Pattern subscribers matching the destination. */
    Subscription[] matching(String destination) {
        PatternIndex index = patternIndex;
        if (index.patterns().isEmpty()) {
            return NONE;
        }
        Map<String, Subscription[]> patternMatches = index.matches();
        Subscription[] cached = patternMatches.get(destination);
        if (cached != null) {
            return cached;
        }
        List<Subscription> hits = new ArrayList<>();
        for (Subscription s : index.patterns()) {
            if (s.pattern.matches(destination)) {
                hits.add(s);
            }
        }
        Subscription[] result = hits.toArray(NONE);
        if (patternMatches.size() >= MATCH_CACHE_MAX) {
            patternMatches.clear();
        }
        patternMatches.put(destination, result);
        return result;
    }

    int count() {
        return count;
    }

    int destinationCount() {
        return exact.size();
    }
}
