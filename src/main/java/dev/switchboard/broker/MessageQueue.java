package dev.switchboard.broker;

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
 * <p>One lock guards the queue's state; deliveries happen outside it.
 */
final class MessageQueue {

    private record Waiting(Message message, boolean redelivered) { }

    private record Handoff(Subscription to, Message message, boolean redelivered) { }

    private final String name;
    private final int capacity;
    private final int unackedMax;
    private final BrokerCounters counters;
    private final List<Subscription> consumers = new ArrayList<>();
    private final ArrayDeque<Waiting> waiting = new ArrayDeque<>();
    private int next;

    MessageQueue(String name, int capacity, int unackedMax, BrokerCounters counters) {
        this.name = name;
        this.capacity = capacity;
        this.unackedMax = unackedMax;
        this.counters = counters;
    }

    String name() {
        return name;
    }

    /** False when no consumer can take it and the buffer is full. */
    boolean offer(Message message) {
        Handoff handoff;
        synchronized (this) {
            Subscription to = waiting.isEmpty() ? pick(null) : null; // nothing overtakes what waits
            if (to == null) {
                if (waiting.size() >= capacity) {
                    return false;
                }
                waiting.add(new Waiting(message, false));
                return true;
            }
            handoff = record(to, message, false);
        }
        hand(handoff);
        return true;
    }

    void subscribe(Subscription subscription) {
        List<Handoff> handoffs;
        synchronized (this) {
            subscription.queue = this;
            consumers.add(subscription);
            handoffs = drainWaiting();
        }
        handoffs.forEach(this::hand);
    }

    /** Removes the consumer; what it had not acknowledged goes to the others, or waits first in line. */
    void unsubscribe(Subscription subscription) {
        List<Handoff> handoffs;
        synchronized (this) {
            int at = consumers.indexOf(subscription);
            if (at < 0) {
                return;
            }
            consumers.remove(at);
            if (next > at) {
                next--;
            }
            List<Message> back = new ArrayList<>(subscription.unacked.values());
            subscription.unacked.clear();
            counters.redelivered.add(back.size());
            handoffs = requeue(back, subscription);
        }
        handoffs.forEach(this::hand);
    }

    /** Acknowledges; with {@link AckMode#CLIENT} also every earlier delivery. False when unknown. */
    boolean ack(Subscription subscription, String messageId) {
        List<Handoff> handoffs;
        synchronized (this) {
            if (!subscription.unacked.containsKey(messageId)) {
                return false;
            }
            settle(subscription, messageId);
            handoffs = drainWaiting(); // room for what waits
        }
        handoffs.forEach(this::hand);
        return true;
    }

    /** Refuses a delivery (with CLIENT, also the earlier ones): it goes to another consumer when one can take it. */
    boolean nack(Subscription subscription, String messageId) {
        List<Handoff> handoffs;
        synchronized (this) {
            if (!subscription.unacked.containsKey(messageId)) {
                return false;
            }
            List<Message> refused = settle(subscription, messageId);
            counters.redelivered.add(refused.size());
            handoffs = requeue(refused, subscription);
        }
        handoffs.forEach(this::hand);
        return true;
    }

    /** Under the lock: removes and returns the settled deliveries (one, or all up to it for CLIENT). */
    private List<Message> settle(Subscription subscription, String messageId) {
        List<Message> settled = new ArrayList<>();
        if (subscription.ack() == AckMode.CLIENT_INDIVIDUAL) {
            settled.add(subscription.unacked.remove(messageId));
            return settled;
        }
        Iterator<Map.Entry<String, Message>> it = subscription.unacked.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<String, Message> e = it.next();
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
     * {@code avoid} when there is one); the rest wait first in line, in their order.
     */
    private List<Handoff> requeue(List<Message> messages, Subscription avoid) {
        List<Handoff> handoffs = new ArrayList<>(messages.size());
        List<Message> back = new ArrayList<>();
        for (Message m : messages) {
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
        return handoffs;
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
            handoffs.add(record(to, w.message, w.redelivered));
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
    private Handoff record(Subscription to, Message message, boolean redelivered) {
        if (to.ack() != AckMode.AUTO) {
            to.unacked.put(message.id(), message);
        }
        return new Handoff(to, message, redelivered);
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
            if (h.to.owner().deliver(h.to, h.message, h.redelivered)) {
                return;
            }
            synchronized (this) {
                h.to.unacked.remove(h.message.id());
                Subscription other = attempts < consumers.size() ? pick(h.to) : null;
                if (other == null || other == h.to) {
                    waiting.addFirst(new Waiting(h.message, true));
                    return;
                }
                h = record(other, h.message, true);
            }
        }
    }
}
