package dev.switchboard.security;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Token buckets on a clock the test moves: bursts, refill at the rate, never above the burst. */
class TokenBucketTest {

    private static final long SECOND = 1_000_000_000L;

    @Test
    void aFullBucketGivesItsBurstThenRefillsAtTheRate() {
        TokenBucket bucket = new TokenBucket(10, 30, 0);
        for (int i = 0; i < 30; i++) {
            assertTrue(bucket.take(1, 0), "token " + i + " of the burst");
        }
        assertFalse(bucket.take(1, 0));
        assertFalse(bucket.take(1, SECOND / 20), "half a token after 50 ms");
        assertTrue(bucket.take(1, SECOND / 10), "one token after 100 ms");
        assertTrue(bucket.take(10, SECOND / 10 + SECOND), "ten after another second");
        assertFalse(bucket.full(2 * SECOND));
        assertTrue(bucket.full(10 * SECOND), "never more than the burst, whatever the wait");
        assertFalse(bucket.take(31, 100 * SECOND));
    }

    @Test
    void aRateOfZeroIsNoLimit() {
        assertTrue(RateLimit.NONE.bucket(0) == null);
        InboundRate none = new InboundRate(InboundRate.Limits.NONE, "10.0.0.1");
        for (int i = 0; i < 100_000; i++) {
            assertTrue(none.part(1 << 20, true) == null);
        }
    }
}
