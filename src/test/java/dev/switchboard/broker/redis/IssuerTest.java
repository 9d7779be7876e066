package dev.switchboard.broker.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The issuing thread's hand-over: a command's message counts against the bound from the moment
 * it is handed over until Redis answers it, so a Redis that stops answering holds at most the
 * bound; what would go past it is refused at once.
 */
class IssuerTest {

    @Test
    void unansweredCommandsHoldAtMostTheBoundAndLetGoWhenAnswered() throws Exception {
        try (Issuer issuer = new Issuer()) {
            int size = 64 * 1024;
            List<CompletableFuture<Long>> sent = new CopyOnWriteArrayList<>(); // Redis's answers, which do not come
            AtomicInteger failed = new AtomicInteger();
            int accepted = 0;
            while (issuer.issue(size, () -> {
                CompletableFuture<Long> answer = new CompletableFuture<>();
                sent.add(answer);
                return answer;
            }, failed::incrementAndGet)) {
                accepted++;
                assertTrue(accepted <= Issuer.BYTES_MAX / size, "held past the bound");
            }
            assertEquals(Issuer.BYTES_MAX / size, accepted, "as many 64 KiB messages as the bound holds");
            assertFalse(issuer.issue(1, () -> CompletableFuture.completedFuture(1L), failed::incrementAndGet),
                    "even one more byte is refused while they wait for Redis");
            CountDownLatch issued = new CountDownLatch(1);
            assertTrue(issuer.fire(issued::countDown), "a call that carries no message still goes");
            assertTrue(issued.await(10, TimeUnit.SECONDS));
            assertEquals(accepted, sent.size(), "every accepted command was sent");
            assertEquals(Issuer.BYTES_MAX, issuer.heldBytes(), "sent, not answered: still held");

            for (int i = 0; i < sent.size(); i++) {
                if (i % 2 == 0) {
                    sent.get(i).complete(1L);
                } else {
                    sent.get(i).completeExceptionally(new IllegalStateException("timed out"));
                }
            }
            assertEquals(0, issuer.heldBytes(), "answered (or failed): let go");
            assertEquals(accepted / 2, failed.get(), "each failed answer told");
            assertTrue(issuer.issue(size, () -> CompletableFuture.completedFuture(1L), failed::incrementAndGet),
                    "room again");
        }
    }

    @Test
    void aCommandThatCannotBeMadeIsToldAndHoldsNothing() throws Exception {
        try (Issuer issuer = new Issuer()) {
            CountDownLatch told = new CountDownLatch(1);
            assertTrue(issuer.issue(1000, () -> {
                throw new IllegalStateException("not connected");
            }, told::countDown));
            assertTrue(told.await(10, TimeUnit.SECONDS));
            assertEquals(0, issuer.heldBytes());
        }
    }
}
