package dev.switchboard.security;

/**
 * A rate limit as a setting gives it: so many a second, with bursts of up to {@code burst}.
 * A rate of 0 means no limit.
 */
public record RateLimit(long perSecond, long burst) {

    public static final RateLimit NONE = new RateLimit(0, 0);

    public boolean limited() {
        return perSecond > 0;
    }

    /** A new full bucket for this limit; null when there is no limit. */
    public TokenBucket bucket(long nowNanos) {
        return limited() ? new TokenBucket(perSecond, Math.max(burst, 1), nowNanos) : null;
    }

    @Override
    public String toString() {
        return limited() ? perSecond + "/s (burst " + burst + ")" : "unlimited";
    }
}
