package dev.switchboard.broker;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * One {@code /queue} destination: each message goes to one consumer, round robin. Messages for
 * acknowledging consumers stay here until acknowledged and go to another consumer after a NACK,
 * an unsubscribe or a disconnect (marked redelivered). With no consumer, new messages wait in a
 * bounded buffer; a full buffer refuses the message, so the sender learns it.
 *
 * <p>One lock guards the queue's state; deliveries happen outside it.
 */
final class MessageQueue {

    private record Waiting(Message message, boolean redelivered) { }

    private record Handoff(Subscription to, Message message, boolean redelivered) { }

    private final String name;
    private final int capacity;
    private final BrokerCounters counters;
    private final List<Subscription> consumers = new ArrayList<>();
    private final ArrayDeque<Waiting> waiting = new ArrayDeque<>();
    private int next;

    MessageQueue(String name, int capacity, BrokerCounters counters) {
        this.name = name;
        this.capacity = capacity;
        this.counters = counters;
    }

    String name() {
        return name;
    }

    /** False when nobody consumes and the buffer is full. */
    boolean offer(Message message) {
        Handoff handoff;
        synchronized (this) {
            if (consumers.isEmpty()) {
                if (waiting.size() >= capacity) {
                    return false;
                }
                waiting.add(new Waiting(message, false));
                return true;
            }
            handoff = assign(message, false, null);
        }
        hand(handoff);
        return true;
    }

    void subscribe(Subscription subscription) {
        List<Handoff> handoffs = new ArrayList<>();
        synchronized (this) {
            subscription.queue = this;
            consumers.add(subscription);
            while (!waiting.isEmpty()) {
                Waiting w = waiting.poll();
                handoffs.add(assign(w.message, w.redelivered, null));
            }
        }
        handoffs.forEach(this::hand);
    }

    /** Removes the consumer; what it had not acknowledged goes to the others. */
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
        synchronized (this) {
            if (!subscription.unacked.containsKey(messageId)) {
                return false;
            }
            if (subscription.ack() == AckMode.CLIENT_INDIVIDUAL) {
                subscription.unacked.remove(messageId);
                return true;
            }
            Iterator<Map.Entry<String, Message>> it = subscription.unacked.entrySet().iterator();
            while (it.hasNext()) {
                String id = it.next().getKey();
                it.remove();
                if (id.equals(messageId)) {
                    break;
                }
            }
            return true;
        }
    }

    /** Refuses a delivery: it goes to another consumer when there is one. False when unknown. */
    boolean nack(Subscription subscription, String messageId) {
        List<Handoff> handoffs;
        synchronized (this) {
            if (!subscription.unacked.containsKey(messageId)) {
                return false;
            }
            List<Message> refused = new ArrayList<>();
            if (subscription.ack() == AckMode.CLIENT_INDIVIDUAL) {
                refused.add(subscription.unacked.remove(messageId));
            } else {
                Iterator<Map.Entry<String, Message>> it = subscription.unacked.entrySet().iterator();
                while (it.hasNext()) {
                    Map.Entry<String, Message> e = it.next();
                    it.remove();
                    refused.add(e.getValue());
                    if (e.getKey().equals(messageId)) {
                        break;
                    }
                }
            }
            counters.redelivered.add(refused.size());
            handoffs = requeue(refused, subscription);
        }
        handoffs.forEach(this::hand);
        return true;
    }

    /** Under the lock: hands messages back out, or, with no consumer, puts them first in line. */
    private List<Handoff> requeue(List<Message> messages, Subscription avoid) {
        List<Handoff> handoffs = new ArrayList<>(messages.size());
        if (consumers.isEmpty()) {
            for (int i = messages.size() - 1; i >= 0; i--) {
                waiting.addFirst(new Waiting(messages.get(i), true));
            }
            return handoffs;
        }
        for (Message m : messages) {
            handoffs.add(assign(m, true, avoid));
        }
        return handoffs;
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

    /** Picks the next consumer (not {@code avoid} when another exists) and records the delivery. */
    private Handoff assign(Message message, boolean redelivered, Subscription avoid) {
        if (consumers.isEmpty()) {
            return new Handoff(null, message, redelivered);
        }
        if (next >= consumers.size()) {
            next = 0;
        }
        Subscription to = consumers.get(next);
        if (to == avoid && consumers.size() > 1) {
            next = (next + 1) % consumers.size();
            to = consumers.get(next);
        }
        next = (next + 1) % consumers.size();
        if (to.ack() != AckMode.AUTO) {
            to.unacked.put(message.id(), message);
        }
        return new Handoff(to, message, redelivered);
    }

    /**
     * Delivers outside the lock. A consumer that cannot take it (closing, too slow) loses it to
     * the next one; with no consumer left, the message waits at the head of the buffer.
     */
    private void hand(Handoff handoff) {
        Handoff h = handoff;
        for (int attempts = 0; ; attempts++) {
            if (h.to == null) {
                synchronized (this) {
                    waiting.addFirst(new Waiting(h.message, h.redelivered));
                }
                return;
            }
            if (h.to.owner().deliver(h.to, h.message, h.redelivered)) {
                return;
            }
            synchronized (this) {
                h.to.unacked.remove(h.message.id());
                int size = consumers.size();
                if (attempts >= size) {
                    waiting.addFirst(new Waiting(h.message, true));
                    return;
                }
                h = assign(h.message, true, h.to);
            }
        }
    }
}
