package dev.switchboard.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Turns queued behind writers that block (direct writes to full sockets) still run. */
class WriterPoolTest {

    @Test
    void turnsQueuedBehindBlockedWritersRunOnASpareWriter() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch blocked = new CountDownLatch(2);
        CountDownLatch ran = new CountDownLatch(10);
        try (WriterPool pool = new WriterPool("test-writers", 2)) {
            for (int i = 0; i < 2; i++) {
                pool.execute(() -> {
                    blocked.countDown();
                    await(release);
                });
            }
            assertTrue(blocked.await(5, TimeUnit.SECONDS), "both writers took a blocking turn");
            long start = System.nanoTime();
            for (int i = 0; i < 10; i++) {
                pool.execute(ran::countDown);
            }
            assertTrue(ran.await(2, TimeUnit.SECONDS), "turns behind two blocked writers did not run");
            long waitedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(waitedMillis < 500, "turns waited " + waitedMillis + " ms behind blocked writers");
            assertEquals(3, pool.threads(), "one spare writer");
            release.countDown();
        } finally {
            release.countDown();
        }
    }

    @Test
    void aSpareEndsOnceIdle() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch ran = new CountDownLatch(1);
        try (WriterPool pool = new WriterPool("test-writers", 1)) {
            pool.execute(() -> await(release));
            pool.execute(ran::countDown);
            assertTrue(ran.await(2, TimeUnit.SECONDS));
            release.countDown();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (pool.threads() > 1 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertEquals(1, pool.threads(), "the spare writer ended after a second without work");
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
