package dev.switchboard.broker;

import dev.switchboard.session.MemoryBudget;
import java.util.Map;
import java.util.function.ToIntBiFunction;

/**
 * What other nodes send this node's broker: their topic and user messages, delivered to this
 * node's subscribers only (never back to the relay), and messages of the queues every node shares,
 * handed to this node's part of each queue and charged to the node's memory budget while held.
 */
final class RelayInbound implements Relay.Receiver, SharedQueues.Intake {

    private final TopicRegistry topics;
    private final Map<String, MessageQueue> queues;
    private final MemoryBudget budget;
    private final BrokerCounters counters;
    /** The broker's delivery to one subscription: 1 when it took the message, else 0 (counted). */
    private final ToIntBiFunction<Subscription, Message> deliver;

    RelayInbound(TopicRegistry topics, Map<String, MessageQueue> queues, MemoryBudget budget, BrokerCounters counters,
                 ToIntBiFunction<Subscription, Message> deliver) {
        this.topics = topics;
        this.queues = queues;
        this.budget = budget;
        this.counters = counters;
        this.deliver = deliver;
    }

    @Override
    public void received(String routingKey, Message message) {
        int n = 0;
        for (Subscription s : topics.exact(routingKey)) {
            n += deliver.applyAsInt(s, message);
        }
        counters.deliveries.add(n);
    }

    @Override
    public void receivedForPattern(String glob, Message message) {
        int n = 0;
        for (Subscription s : topics.matching(message.destination())) {
            if (s.pattern.glob().equals(glob)) {
                n += deliver.applyAsInt(s, message);
            }
        }
        counters.deliveries.add(n);
    }

    @Override
    public int room(String queue) {
        MessageQueue q = queues.get(queue);
        return q == null ? 0 : q.room();
    }

    @Override
    public boolean take(String queue, Message message, Object ticket, boolean redelivered) {
        MessageQueue q = queues.get(queue);
        if (q == null) {
            return false;
        }
        MemoryBudget.Account node = budget.node();
        try {
            node.reserve(MemoryBudget.Use.QUEUED, message.footprint());
        } catch (MemoryBudget.Refused e) {
            counters.overBudget.increment();
            return false;
        }
        if (!q.take(message, node, ticket, redelivered)) {
            node.release(MemoryBudget.Use.QUEUED, message.footprint());
            return false;
        }
        counters.deliveries.increment();
        return true;
    }
}
