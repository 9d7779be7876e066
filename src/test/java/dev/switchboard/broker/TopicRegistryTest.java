package dev.switchboard.broker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Exact and pattern subscriptions, the match cache, and reads racing changes. */
class TopicRegistryTest {

    private static Subscription exact(String destination) {
        return new Subscription(new BrokerTest.Recorder(), "1", destination, destination, AckMode.AUTO, null, null,
                Map.of());
    }

    private static Subscription pattern(String destination) {
        return new Subscription(new BrokerTest.Recorder(), "1", destination, destination, AckMode.AUTO, null,
                DestinationPattern.compile(destination), Map.of());
    }

    @Test
    void exactSubscribersAreFoundByNameAndGoWhenRemoved() {
        TopicRegistry registry = new TopicRegistry();
        Subscription a = exact("/topic/a");
        Subscription a2 = exact("/topic/a");
        Subscription b = exact("/topic/b");
        registry.add(a);
        registry.add(a2);
        registry.add(b);
        assertArrayEquals(new Subscription[] {a, a2}, registry.exact("/topic/a"));
        assertEquals(3, registry.count());
        assertEquals(2, registry.destinationCount());
        registry.remove(a);
        registry.remove(a); // twice: counted once
        assertArrayEquals(new Subscription[] {a2}, registry.exact("/topic/a"));
        registry.remove(a2);
        assertEquals(0, registry.exact("/topic/a").length);
        assertEquals(1, registry.destinationCount(), "a destination nobody listens to is forgotten");
        assertEquals(1, registry.count());
    }

    @Test
    void patternsMatchAndTheCacheFollowsChanges() {
        TopicRegistry registry = new TopicRegistry();
        Subscription all = pattern("/topic/prices.**");
        registry.add(all);
        assertArrayEquals(new Subscription[] {all}, registry.matching("/topic/prices.eu.fr"));
        assertEquals(0, registry.matching("/topic/news").length);
        Subscription one = pattern("/topic/prices.*");
        registry.add(one);
        assertEquals(List.of(all, one), Arrays.asList(registry.matching("/topic/prices.us")), "cache renewed on add");
        registry.remove(all);
        assertEquals(List.of(one), Arrays.asList(registry.matching("/topic/prices.us")), "and on remove");
        assertEquals(0, registry.exact("/topic/prices.us").length, "patterns are not exact subscribers");
    }

    @Test
    void readersNeverSeeAHalfMadeArrayWhileSubscriptionsComeAndGo() throws Exception {
        TopicRegistry registry = new TopicRegistry();
        Subscription steady = exact("/topic/hot");
        registry.add(steady);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<String> problem = new AtomicReference<>();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        CountDownLatch done = new CountDownLatch(2);
        for (int w = 0; w < 2; w++) {
            pool.execute(() -> {
                List<Subscription> mine = new ArrayList<>();
                for (int i = 0; i < 20_000; i++) {
                    Subscription s = exact("/topic/hot");
                    registry.add(s);
                    mine.add(s);
                    if (mine.size() > 8) {
                        registry.remove(mine.remove(0));
                    }
                }
                mine.forEach(registry::remove);
                done.countDown();
            });
        }
        for (int r = 0; r < 2; r++) {
            pool.execute(() -> {
                while (!stop.get()) {
                    Subscription[] seen = registry.exact("/topic/hot");
                    if (Arrays.stream(seen).anyMatch(s -> s == null) || Arrays.stream(seen).noneMatch(s -> s == steady)) {
                        problem.set("read " + Arrays.toString(seen));
                    }
                }
            });
        }
        assertTrue(done.await(30, TimeUnit.SECONDS));
        stop.set(true);
        pool.shutdown();
        assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
        assertEquals(null, problem.get());
        assertArrayEquals(new Subscription[] {steady}, registry.exact("/topic/hot"));
        assertEquals(1, registry.count());
    }
}
