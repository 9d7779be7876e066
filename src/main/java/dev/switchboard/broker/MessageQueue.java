package dev.switchboard.broker;

import dev.switchboard.session.MemoryBudget;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * One {@code /queue} destination: each message goes to one consumer, round robin. Messages for
 * acknowledging consumers stay here until acknowledged and go to another consumer after a NACK,
 * an unsubscribe or a disconnect (marked redelivered). A consumer holding {@code unackedMax}
 * unacknowledged messages gets no more until it acknowledges (so one that never does cannot grow
 * the heap). When no consumer can take a message, it waits in a bounded buffer; a full buffer
 * refuses new messages, so the sender learns it. Redeliveries always wait, first in line.
 *
 * <p>Every message the queue keeps (waiting, or delivered and not yet acknowledged) is charged to
 * its sender's {@link MemoryBudget.Account} from the moment it is offered until an auto-ack
 * consumer has it or it is acknowledged; a sender over its budget is refused before anything is
 * kept. A queue with no consumer and nothing waiting is retired (the broker drops it); a retired
 * queue takes nothing more, and the broker makes a new one.
 *
 * <p>When the queue is shared by several nodes ({@link SharedQueues}), this is the node's local
 * part: messages taken from the shared queue for this node's consumers carry a ticket; once one is
 * consumed (acknowledged, or handed to an auto-ack consumer) the shared queue is told, and one that
 * no other local consumer can take (NACKed with no other consumer here, abandoned by its consumer)
 * is given back for any node's consumer instead of waiting here.
 *
 * <p>One lock guards the queue's state; deliveries and calls to the shared queue happen outside it.
 */
final class MessageQueue {

    /** What {@link #offer} did. */
    enum Offer { ACCEPTED, FULL, RETIRED }

    /** A message the queue keeps, with who pays for it and, when taken from a shared queue, its ticket. */
    record Held(Message message, MemoryBudget.Account payer, Object ticket) { }

    /** What to do once the lock is released: deliveries, and what to tell the shared queue. */
    private record After(List<Handoff> handoffs, List<Held> consumed, List<Held> returned) {
        After() {
            this(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        }
    }

    private record Waiting(Held held, boolean redelivered) { }

    private record Handoff(Subscription to, Held held, boolean redelivered) { }

    private final String name;
    private final int capacity;
    private final int unackedMax;
    private final BrokerCounters counters;
    private final List<Subscription> consumers = new ArrayList<>();
    private final ArrayDeque<Waiting> waiting = new ArrayDeque<>();
    private final MemoryBudget.Account creator;
    private final SharedQueues shared;
    private int next;
    private boolean retired;

    /** @param creator the account of whoever made it: its address counts the queue until it is retired */
    MessageQueue(String name, int capacity, int unackedMax, BrokerCounters counters, MemoryBudget.Account creator) {
        this(name, capacity, unackedMax, counters, creator, null);
    }

    /** @param shared the queue this is the local part of, or null */
    MessageQueue(String name, int capacity, int unackedMax, BrokerCounters counters, MemoryBudget.Account creator,
                 SharedQueues shared) {
        this.shared = shared;
        this.name = name;
        this.creator = creator;
        this.capacity = capacity;
        this.unackedMax = unackedMax;
        this.counters = counters;
    }

    String name() {
        return name;
    }

    /**
     * Keeps or hands on a message already charged to {@code payer}; FULL when no consumer can take
     * it and the buffer is full, RETIRED when this queue is gone (nothing was kept either way).
     */
    Offer offer(Message message, MemoryBudget.Account payer) {
        Handoff handoff;
        Held held = new Held(message, payer, null);
        synchronized (this) {
            if (retired) {
                return Offer.RETIRED;
            }
            Subscription to = waiting.isEmpty() ? pick(null) : null; // nothing overtakes what waits
            if (to == null) {
                if (waiting.size() >= capacity) {
                    return Offer.FULL;
                }
                waiting.add(new Waiting(held, false));
                return Offer.ACCEPTED;
            }
            handoff = record(to, held, false);
        }
        hand(handoff);
        return Offer.ACCEPTED;
    }

    /**
     * Takes a message from the shared queue, already charged to {@code payer}, for a local
     * consumer; false when there is none (nothing was kept).
     */
    boolean take(Message message, MemoryBudget.Account payer, Object ticket, boolean redelivered) {
        Handoff handoff;
        Held held = new Held(message, payer, ticket);
        synchronized (this) {
            if (retired || consumers.isEmpty()) {
                return false;
            }
            Subscription to = waiting.isEmpty() ? pick(null) : null;
            if (to == null) {
                waiting.add(new Waiting(held, redelivered));
                return true;
            }
            handoff = record(to, held, redelivered);
        }
        hand(handoff);
        return true;
    }

    /** How many more messages the consumers can take now (auto-ack ones: a few each). */
    synchronized int room() {
        int room = -waiting.size();
        for (Subscription s : consumers) {
            room += s.ack() == AckMode.AUTO ? 32 : Math.max(0, unackedMax - s.unacked.size());
        }
        return Math.max(0, room);
    }

    /** False when this queue is retired (the broker makes a new one). */
    boolean subscribe(Subscription subscription) {
        List<Handoff> handoffs;
        synchronized (this) {
            if (retired) {
                return false;
            }
            subscription.queue = this;
            consumers.add(subscription);
            handoffs = drainWaiting();
        }
        handoffs.forEach(this::hand);
        return true;
    }

    /** Retires the queue when it has no consumer and nothing waits; true when it did (or was). */
    synchronized boolean retireIfIdle() {
        if (!retired && consumers.isEmpty() && waiting.isEmpty()) {
            retired = true;
            if (creator != null) {
                creator.dropDestination();
            }
        }
        return retired;
    }

    /** Removes the consumer; what it had not acknowledged goes to the others, or waits first in line. */
    /** Returns whether it was a consumer here. */
    boolean unsubscribe(Subscription subscription) {
        After after = new After();
        synchronized (this) {
            int at = consumers.indexOf(subscription);
            if (at < 0) {
                return false;
            }
            consumers.remove(at);
            if (next > at) {
                next--;
            }
            List<Held> back = new ArrayList<>(subscription.unacked.values());
            subscription.unacked.clear();
            counters.redelivered.add(back.size());
            requeue(back, subscription, after);
            if (consumers.isEmpty()) { // what was taken for consumers here goes back to the others
                waiting.removeIf(w -> w.held.ticket() != null && after.returned.add(w.held));
            }
        }
        finish(after);
        return true;
    }

    /** Acknowledges; with {@link AckMode#CLIENT} also every earlier delivery. False when unknown. */
    boolean ack(Subscription subscription, String messageId) {
        After after = new After();
        synchronized (this) {
            if (!subscription.unacked.containsKey(messageId)) {
                return false;
            }
            after.consumed.addAll(settle(subscription, messageId));
            after.handoffs.addAll(drainWaiting()); // room for what waits
        }
        finish(after);
        return true;
    }

    /** Refuses a delivery (with CLIENT, also the earlier ones): it goes to another consumer when one can take it. */
    boolean nack(Subscription subscription, String messageId) {
        After after = new After();
        synchronized (this) {
            if (!subscription.unacked.containsKey(messageId)) {
                return false;
            }
            List<Held> refused = settle(subscription, messageId);
            counters.redelivered.add(refused.size());
            requeue(refused, subscription, after);
        }
        finish(after);
        return true;
    }

    /** Outside the lock: delivers, releases what is settled and tells the shared queue. */
    private void finish(After after) {
        for (Held done : after.consumed) {
            done.payer().release(MemoryBudget.Use.QUEUED, done.message().footprint());
            if (done.ticket() != null) {
                shared.consumed(done.ticket());
            }
        }
        for (Held back : after.returned) {
            back.payer().release(MemoryBudget.Use.QUEUED, back.message().footprint());
            shared.giveBack(back.ticket(), back.message());
        }
        after.handoffs.forEach(this::hand);
    }

    /** Under the lock: removes and returns the settled deliveries (one, or all up to it for CLIENT). */
    private List<Held> settle(Subscription subscription, String messageId) {
        List<Held> settled = new ArrayList<>();
        if (subscription.ack() == AckMode.CLIENT_INDIVIDUAL) {
            settled.add(subscription.unacked.remove(messageId));
            return settled;
        }
        Iterator<Map.Entry<String, Held>> it = subscription.unacked.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<String, Held> e = it.next();
            it.remove();
            settled.add(e.getValue());
            if (e.getKey().equals(messageId)) {
                break;
            }
        }
        return settled;
    }

    /**
     * Under the lock: hands redeliveries to consumers that can take them (another than
     * {@code avoid} when there is one); the rest wait first in line, in their order. One taken
     * from the shared queue that no other consumer here can take goes back to it instead.
     */
    private void requeue(List<Held> messages, Subscription avoid, After after) {
        List<Handoff> handoffs = after.handoffs;
        List<Held> back = new ArrayList<>();
        for (Held m : messages) {
            if (m.ticket() != null) {
                Subscription to = pick(avoid);
                if (to == null || to == avoid) {
                    after.returned.add(m);
                } else {
                    handoffs.add(record(to, m, true));
                }
                continue;
            }
            Subscription to = back.isEmpty() ? pick(avoid) : null;
            if (to == null) {
                back.add(m);
            } else {
                handoffs.add(record(to, m, true));
            }
        }
        for (int i = back.size() - 1; i >= 0; i--) {
            waiting.addFirst(new Waiting(back.get(i), true));
        }
    }

    /** Under the lock: what waits goes to consumers that can take it, in order. */
    private List<Handoff> drainWaiting() {
        List<Handoff> handoffs = new ArrayList<>();
        while (!waiting.isEmpty()) {
            Subscription to = pick(null);
            if (to == null) {
                break;
            }
            Waiting w = waiting.poll();
            handoffs.add(record(to, w.held, w.redelivered));
        }
        return handoffs;
    }

    /**
     * Under the lock: the next consumer in turn that can take a message (auto-ack, or below its
     * unacknowledged limit), preferring one other than {@code avoid}; null when none can.
     */
    private Subscription pick(Subscription avoid) {
        int n = consumers.size();
        Subscription fallback = null;
        for (int i = 0; i < n; i++) {
            int at = (next + i) % n;
            Subscription s = consumers.get(at);
            if (s.ack() != AckMode.AUTO && s.unacked.size() >= unackedMax) {
                continue;
            }
            if (s == avoid && n > 1) {
                fallback = s;
                continue;
            }
            next = (at + 1) % n;
            return s;
        }
        return fallback;
    }

    /** Under the lock: notes the delivery as unacknowledged when the consumer acknowledges. */
    private Handoff record(Subscription to, Held held, boolean redelivered) {
        if (to.ack() != AckMode.AUTO) {
            to.unacked.put(held.message().id(), held);
        }
        return new Handoff(to, held, redelivered);
    }

    synchronized int waitingCount() {
        return waiting.size();
    }

    synchronized int unackedCount() {
        int n = 0;
        for (Subscription s : consumers) {
            n += s.unacked.size();
        }
        return n;
    }

    synchronized int consumerCount() {
        return consumers.size();
    }

    /**
     * Delivers outside the lock. A consumer that cannot take it (closing, too slow) loses it to
     * another; when none can, it waits first in line.
     */
    private void hand(Handoff handoff) {
        Handoff h = handoff;
        for (int attempts = 0; ; attempts++) {
            if (h.to.owner().deliver(h.to, h.held.message(), h.redelivered)) {
                if (h.to.ack() == AckMode.AUTO) {
                    h.held.payer().release(MemoryBudget.Use.QUEUED, h.held.message().footprint());
                    if (h.held.ticket() != null) {
                        shared.consumed(h.held.ticket());
                    }
                }
                return;
            }
            synchronized (this) {
                h.to.unacked.remove(h.held.message().id());
                Subscription other = attempts < consumers.size() ? pick(h.to) : null;
                if (other == null || other == h.to) {
                    if (h.held.ticket() == null) {
                        waiting.addFirst(new Waiting(h.held, true));
                        return;
                    }
                } else {
                    h = record(other, h.held, true);
                    continue;
                }
            }
            // taken from the shared queue and no consumer here can have it: back for the others
            h.held.payer().release(MemoryBudget.Use.QUEUED, h.held.message().footprint());
            shared.giveBack(h.held.ticket(), h.held.message());
            return;
        }
    }
}
