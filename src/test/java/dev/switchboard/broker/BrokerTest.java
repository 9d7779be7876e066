package dev.switchboard.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The broker's destination semantics, driven directly with sessions that record what they get. */
class BrokerTest {

    private static final AtomicInteger IDS = new AtomicInteger();

    /** A session that keeps its deliveries, or refuses them once closed. */
    static final class Recorder implements Subscriber {
        final String id = "s" + IDS.incrementAndGet();
        final List<String> got = new ArrayList<>();
        final List<Boolean> redelivered = new ArrayList<>();
        boolean closed;

        @Override
        public String sessionId() {
            return id;
        }

        @Override
        public synchronized boolean deliver(Subscription subscription, Message message, boolean again) {
            if (closed) {
                return false;
            }
            got.add(new String(message.body(), StandardCharsets.UTF_8));
            redelivered.add(again);
            return true;
        }
    }

    private static Message message(String destination, String body) {
        return new Message("m" + IDS.incrementAndGet(), destination, "text/plain", List.of(),
                body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aQueueHandsEachMessageToOneConsumerInTurn() throws Exception {
        Broker broker = new Broker(10, 100);
        Recorder a = new Recorder();
        Recorder b = new Recorder();
        broker.subscribe(a, a.id, "1", "/queue/q", AckMode.AUTO, null);
        broker.subscribe(b, b.id, "1", "/queue/q", AckMode.AUTO, null);
        for (int i = 0; i < 6; i++) {
            broker.publish(message("/queue/q", "m" + i));
        }
        assertEquals(List.of("m0", "m2", "m4"), a.got);
        assertEquals(List.of("m1", "m3", "m5"), b.got);
    }

    @Test
    void aConsumerThatCannotTakeAMessageLosesItToTheNext() throws Exception {
        Broker broker = new Broker(10, 100);
        Recorder closing = new Recorder();
        Recorder open = new Recorder();
        broker.subscribe(closing, closing.id, "1", "/queue/q", AckMode.AUTO, null);
        broker.subscribe(open, open.id, "1", "/queue/q", AckMode.AUTO, null);
        closing.closed = true;
        broker.publish(message("/queue/q", "x"));
        assertEquals(List.of("x"), open.got);
    }

    @Test
    void unacknowledgedMessagesWaitFirstInLineWhenTheLastConsumerLeaves() throws Exception {
        Broker broker = new Broker(10, 100);
        Recorder a = new Recorder();
        Subscription s = broker.subscribe(a, a.id, "1", "/queue/q", AckMode.CLIENT, null);
        broker.publish(message("/queue/q", "one"));
        broker.publish(message("/queue/q", "two"));
        broker.unsubscribe(s);
        broker.publish(message("/queue/q", "three"));
        Recorder b = new Recorder();
        broker.subscribe(b, b.id, "1", "/queue/q", AckMode.AUTO, null);
        assertEquals(List.of("one", "two", "three"), b.got);
        assertEquals(List.of(true, true, false), b.redelivered);
    }

    @Test
    void aFullQueueRefusesAndKeepsWhatItHas() throws Exception {
        Broker broker = new Broker(2, 100);
        broker.publish(message("/queue/full", "1"));
        broker.publish(message("/queue/full", "2"));
        BrokerException e = assertThrows(BrokerException.class, () -> broker.publish(message("/queue/full", "3")));
        assertTrue(e.getMessage().contains("full"), e.getMessage());
        Recorder r = new Recorder();
        broker.subscribe(r, r.id, "1", "/queue/full", AckMode.AUTO, null);
        assertEquals(List.of("1", "2"), r.got);
    }

    @Test
    void individualAcksSettleOneAndCumulativeAcksSettleEverythingBefore() throws Exception {
        Broker broker = new Broker(10, 100);
        Recorder r = new Recorder();
        Subscription individual = broker.subscribe(r, r.id, "i", "/queue/i", AckMode.CLIENT_INDIVIDUAL, null);
        Message m1 = message("/queue/i", "1");
        Message m2 = message("/queue/i", "2");
        broker.publish(m1);
        broker.publish(m2);
        assertTrue(broker.ack(individual, m2.id()));
        assertTrue(!broker.ack(individual, m2.id()), "a second ack of the same message is unknown");
        assertTrue(broker.ack(individual, m1.id()));

        Subscription cumulative = broker.subscribe(r, r.id, "c", "/queue/c", AckMode.CLIENT, null);
        Message c1 = message("/queue/c", "1");
        Message c2 = message("/queue/c", "2");
        broker.publish(c1);
        broker.publish(c2);
        assertTrue(broker.ack(cumulative, c2.id()));
        assertTrue(!broker.ack(cumulative, c1.id()), "c1 was settled by the ack of c2");
    }

    @Test
    void aConsumerAtItsUnackedLimitGetsNoMoreUntilItAcknowledges() throws Exception {
        Broker broker = new Broker(10, 2);
        Recorder slow = new Recorder();
        Subscription s = broker.subscribe(slow, slow.id, "1", "/queue/prefetch", AckMode.CLIENT_INDIVIDUAL, null);
        Message first = message("/queue/prefetch", "1");
        broker.publish(first);
        broker.publish(message("/queue/prefetch", "2"));
        broker.publish(message("/queue/prefetch", "3"));
        assertEquals(List.of("1", "2"), slow.got, "the third waits: two unacknowledged is the limit");
        Recorder other = new Recorder();
        broker.subscribe(other, other.id, "1", "/queue/prefetch", AckMode.AUTO, null);
        assertEquals(List.of("3"), other.got, "a consumer with room takes what waits");
        broker.publish(message("/queue/prefetch", "4"));
        assertEquals(List.of("3", "4"), other.got, "the full one is passed over");
        assertTrue(broker.ack(s, first.id()));
        broker.publish(message("/queue/prefetch", "5"));
        assertEquals(List.of("1", "2", "5"), slow.got, "room again after an ack");
    }

    @Test
    void whenEveryConsumerIsAtItsLimitMessagesWaitAndThenTheQueueRefuses() throws Exception {
        Broker broker = new Broker(1, 1);
        Recorder r = new Recorder();
        Subscription s = broker.subscribe(r, r.id, "1", "/queue/full2", AckMode.CLIENT, null);
        Message first = message("/queue/full2", "1");
        broker.publish(first);
        broker.publish(message("/queue/full2", "2")); // waits
        assertThrows(BrokerException.class, () -> broker.publish(message("/queue/full2", "3")));
        assertTrue(broker.ack(s, first.id()));
        assertEquals(List.of("1", "2"), r.got, "the ack lets the waiting one through");
    }

    @Test
    void userDestinationsReachOnlyThatUsersSessions() throws Exception {
        Broker broker = new Broker(10, 100);
        Recorder alice1 = new Recorder();
        Recorder alice2 = new Recorder();
        Recorder bob = new Recorder();
        broker.subscribe(alice1, "alice", "1", "/user/queue/inbox", AckMode.AUTO, null);
        broker.subscribe(alice2, "alice", "1", "/user/queue/inbox", AckMode.AUTO, null);
        broker.subscribe(bob, "bob", "1", "/user/queue/inbox", AckMode.AUTO, null);
        assertEquals(2, broker.publish(message("/user/alice/queue/inbox", "hi alice")));
        assertEquals(List.of("hi alice"), alice1.got);
        assertEquals(List.of("hi alice"), alice2.got);
        assertTrue(bob.got.isEmpty());
        assertThrows(BrokerException.class, () -> broker.subscribe(bob, "bob", "2", "/user/alice/queue/inbox", AckMode.AUTO, null));
    }

    @Test
    void exactAndPatternSubscribersOfATopicEachGetTheMessage() throws Exception {
        Broker broker = new Broker(10, 100);
        Recorder exact = new Recorder();
        Recorder pattern = new Recorder();
        broker.subscribe(exact, exact.id, "1", "/topic/a.b", AckMode.AUTO, null);
        broker.subscribe(pattern, pattern.id, "1", "/topic/a.*", AckMode.AUTO, null);
        assertEquals(2, broker.publish(message("/topic/a.b", "x")));
        assertEquals(1, broker.publish(message("/topic/a.c", "y")));
        assertEquals(List.of("x"), exact.got);
        assertEquals(List.of("x", "y"), pattern.got);
        assertThrows(BrokerException.class, () -> broker.subscribe(exact, exact.id, "2", "/queue/*", AckMode.AUTO, null));
        assertThrows(BrokerException.class, () -> broker.subscribe(exact, exact.id, "3", "/elsewhere", AckMode.AUTO, null));
    }

    @Test
    void queuedMessagesAreChargedToTheSenderUntilAcknowledged() throws Exception {
        dev.switchboard.session.MemoryBudget budget = new dev.switchboard.session.MemoryBudget(
                new dev.switchboard.session.MemoryBudget.Limits(1 << 20, 1 << 20, 10_000, 100));
        Broker broker = new Broker(new Broker.Limits(1000, 100, 8), budget);
        dev.switchboard.session.MemoryBudget.Account sender = budget.open("10.0.0.1");
        int sent = 0;
        BrokerException refused = null;
        while (refused == null) {
            try {
                broker.publish(message("/queue/held", "x".repeat(1000)), sender);
                sent++;
            } catch (BrokerException e) {
                refused = e;
            }
        }
        assertTrue(refused.getMessage().contains("this session holds its whole share"), refused.getMessage());
        assertTrue(sent >= 3 && sent <= 10, sent + " messages of 1000 bytes in a 10,000-byte budget");
        long held = budget.used();
        assertTrue(held > 0 && held <= 10_000, "held " + held);
        Recorder consumer = new Recorder();
        Subscription s = broker.subscribe(consumer, consumer.id, "1", "/queue/held", AckMode.CLIENT_INDIVIDUAL, null);
        assertEquals(sent, consumer.got.size());
        assertEquals(held, budget.used(), "unacknowledged: still held");
        for (String id : List.copyOf(s.unacked.keySet())) {
            assertTrue(broker.ack(s, id));
        }
        assertEquals(0, budget.used());
        broker.unsubscribe(s);
        assertEquals(0, broker.stats().get("queueDestinations"), "an empty queue with no consumer is removed");
        sender.close();
        assertEquals(0, budget.addressCount(), "nothing held for the address any more");
    }

    @Test
    void anAddressMakesOnlySoManyQueues() throws Exception {
        dev.switchboard.session.MemoryBudget budget = new dev.switchboard.session.MemoryBudget(
                new dev.switchboard.session.MemoryBudget.Limits(1 << 20, 1 << 20, 1 << 20, 3));
        Broker broker = new Broker(new Broker.Limits(1000, 100, 8), budget);
        Recorder r = new Recorder();
        dev.switchboard.session.MemoryBudget.Account account = budget.open("10.0.0.2");
        for (int i = 0; i < 3; i++) {
            broker.publish(message("/queue/n" + i, "x"), account);
        }
        BrokerException e = assertThrows(BrokerException.class, () -> broker.publish(message("/queue/n3", "x"), account));
        assertTrue(e.getMessage().contains("keeps 3 queues and rooms"), e.getMessage());
        broker.publish(message("/queue/n0", "again"), account); // an existing queue takes more
        Subscription s = broker.subscribe(r, r.id, "1", "/queue/n0", AckMode.AUTO, null);
        assertEquals(List.of("x", "again"), r.got);
        broker.unsubscribe(s);
        broker.publish(message("/queue/n3", "x"), account); // n0 is gone: room for another
    }

    @Test
    void aHeldSubscriptionKeepsDeliveriesUntilReleasedThenTheUnseenInOrderAndBoundedInBytes() throws Exception {
        Broker broker = new Broker(10, 100);
        List<Subscription> held = new ArrayList<>();
        broker.listen("/topic/held.", new Broker.SubscriptionListener() {
            @Override
            public void subscribed(Subscription s) {
                held.add(s);
            }

            @Override
            public void unsubscribed(Subscription s) {
            }

            @Override
            public boolean holdsBack(Subscription s) {
                return true;
            }
        });
        Recorder r = new Recorder();
        Subscription s = broker.subscribe(r, r.id, "1", "/topic/held.a", AckMode.AUTO, null);
        assertEquals(List.of(s), held);
        broker.publish(message("/topic/held.a", "seen in history"));
        broker.publish(message("/topic/held.a", "missed"));
        String big = "x".repeat(300 * 1024);
        for (int i = 0; i < 5; i++) {
            broker.publish(message("/topic/held.a", big)); // 1.5 MB: past the 1 MiB a hold keeps
        }
        assertEquals(List.of(), r.got, "nothing while held");
        broker.deliverTo(s, message("/topic/held.a", "history"));
        broker.release(s, m -> new String(m.body(), StandardCharsets.UTF_8).equals("seen in history"));
        broker.publish(message("/topic/held.a", "live"));
        assertEquals(List.of("history", "missed"), r.got.subList(0, 2));
        assertEquals("live", r.got.get(r.got.size() - 1));
        long kept = r.got.stream().filter(big::equals).count();
        assertTrue(kept >= 1 && kept < 5, kept + " of the big ones kept");
        assertEquals(5 - kept, ((Number) broker.stats().get("keptBackDropped")).longValue());
    }
}
