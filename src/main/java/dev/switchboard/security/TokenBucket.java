package dev.switchboard.security;

/**
 * A token bucket: {@code rate} tokens a second, at most {@code burst} saved up. Refilled lazily
 * from the clock on each take, so an idle bucket costs nothing. Not thread-safe: one owner
 * (a session's serial input) or the caller's lock.
 */
public final class TokenBucket {

    private static final long NANOS = 1_000_000_000L;

    private final long rate;
    private final long burst;
    private double tokens;
    private long refilledAt;

    /**
     * @param rate  tokens added per second, at least 1
     * @param burst most tokens saved up, at least 1; the bucket starts full
     */
    public TokenBucket(long rate, long burst, long nowNanos) {
        if (rate < 1 || burst < 1) {
            throw new IllegalArgumentException("a token bucket needs a rate and burst of at least 1");
        }
        this.rate = rate;
        this.burst = burst;
        this.tokens = burst;
        this.refilledAt = nowNanos;
    }

    /** Takes {@code n} tokens when there are that many; false (and nothing taken) when not. */
    public boolean take(long n, long nowNanos) {
        refill(nowNanos);
        if (tokens < n) {
            return false;
        }
        tokens -= n;
        return true;
    }

    /** Whether the bucket is full again (an idle entry that may be forgotten). */
    public boolean full(long nowNanos) {
        refill(nowNanos);
        return tokens >= burst;
    }

    private void refill(long nowNanos) {
        long elapsed = nowNanos - refilledAt;
        if (elapsed > 0) {
            tokens = Math.min(burst, tokens + (double) elapsed * rate / NANOS);
            refilledAt = nowNanos;
        }
    }
}
