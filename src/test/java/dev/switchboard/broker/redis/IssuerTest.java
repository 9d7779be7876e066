package dev.switchboard.broker.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The issuing thread's hand-over: bounded in the bytes it holds and emptied as it runs. */
class IssuerTest {

    @Test
    void aStuckIssuerHoldsAtMostItsBytesAndRefusesTheRestAtOnce() throws Exception {
        try (Issuer issuer = new Issuer()) {
            CountDownLatch stuck = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            assertTrue(issuer.fire(() -> {
                stuck.countDown();
                try {
                    release.await(10, TimeUnit.SECONDS); // a Redis call that does not come back
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
            assertTrue(stuck.await(5, TimeUnit.SECONDS));
            int size = 64 * 1024;
            AtomicInteger ran = new AtomicInteger();
            int accepted = 0;
            while (issuer.fire(ran::incrementAndGet, size)) {
                accepted++;
                assertTrue(accepted <= Issuer.BYTES_MAX / size, "held past the bound");
            }
            assertEquals(Issuer.BYTES_MAX / size, accepted, "as many 64 KiB messages as the bound holds");
            assertEquals(Issuer.BYTES_MAX, issuer.heldBytes());
            assertFalse(issuer.fire(() -> { }, 1), "even one more byte is refused while it is full");
            assertTrue(issuer.fire(() -> ran.incrementAndGet()), "a call that carries no message still goes");

            release.countDown();
            CountDownLatch drained = new CountDownLatch(1);
            assertTrue(issuer.fire(drained::countDown));
            assertTrue(drained.await(10, TimeUnit.SECONDS));
            assertEquals(accepted + 1, ran.get(), "everything accepted ran");
            assertEquals(0, issuer.heldBytes(), "and let go of its bytes");
            assertTrue(issuer.fire(() -> { }, size), "room again");
        }
    }
}
