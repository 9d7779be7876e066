package dev.switchboard.security;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One token bucket per client address, shared by all of that address's connections: what a
 * client with many connections may send in all. Buckets of addresses quiet long enough to be full
 * again are forgotten by {@link #forgetIdle}, so the map holds only addresses that sent lately.
 */
public final class AddressRates {

    private final RateLimit limit;
    private final Map<String, TokenBucket> buckets = new ConcurrentHashMap<>();

    public AddressRates(RateLimit limit) {
        this.limit = limit;
    }

    /** No per-address limit. */
    public static AddressRates none() {
        return new AddressRates(RateLimit.NONE);
    }

    public RateLimit limit() {
        return limit;
    }

    /** The address's bucket (made full when there is none); null when there is no limit. Take from it under its lock. */
    TokenBucket bucket(String address) {
        if (!limit.limited()) {
            return null;
        }
        long now = System.nanoTime();
        return buckets.computeIfAbsent(address == null ? "unknown" : address, a -> limit.bucket(now));
    }

    /** Forgets the buckets that are full again. */
    public void forgetIdle() {
        long now = System.nanoTime();
        buckets.values().removeIf(b -> {
            synchronized (b) {
                return b.full(now);
            }
        });
    }
}
