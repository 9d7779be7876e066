package dev.switchboard.broker;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/** What the broker counts, for {@code /stats}. */
final class BrokerCounters {
    final LongAdder published = new LongAdder();
    final LongAdder deliveries = new LongAdder();
    final LongAdder undeliverable = new LongAdder();
    /** Deliveries to a held subscription past {@link Subscription#KEPT_BACK_MAX} or {@link Subscription#KEPT_BACK_BYTES_MAX}. */
    final LongAdder keptBackDropped = new LongAdder();
    final LongAdder redelivered = new LongAdder();
    final LongAdder queueFull = new LongAdder();
    final LongAdder overBudget = new LongAdder();
    final LongAdder subscribes = new LongAdder();
    final LongAdder unsubscribes = new LongAdder();

    /** These counters with the broker's destinations and the deepest queues, for {@code /stats}. */
    Map<String, Object> stats(TopicRegistry topics, Map<String, MessageQueue> queues, Relay relay, RelayInterest interest) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("subscriptions", topics.count() + queues.values().stream().mapToInt(MessageQueue::consumerCount).sum());
        out.put("subscribes", subscribes.sum());
        out.put("unsubscribes", unsubscribes.sum());
        out.put("topicDestinations", topics.destinationCount());
        out.put("queueDestinations", queues.size());
        out.put("published", published.sum());
        out.put("deliveries", deliveries.sum());
        out.put("undeliverable", undeliverable.sum());
        out.put("keptBackDropped", keptBackDropped.sum());
        out.put("redelivered", redelivered.sum());
        out.put("queueFullRefusals", queueFull.sum());
        out.put("overBudgetRefusals", overBudget.sum());
        List<Map<String, Object>> depths = new ArrayList<>();
        long waiting = 0;
        long unacked = 0;
        for (MessageQueue q : queues.values()) {
            int w = q.waitingCount();
            int u = q.unackedCount();
            waiting += w;
            unacked += u;
            if (w + u > 0) {
                depths.add(Map.of("queue", q.name(), "waiting", w, "unacked", u, "consumers", q.consumerCount()));
            }
        }
        depths.sort(Comparator.comparingInt((Map<String, Object> m) -> (int) m.get("waiting") + (int) m.get("unacked")).reversed());
        out.put("queueMessagesWaiting", waiting);
        out.put("queueMessagesUnacked", unacked);
        out.put("deepestQueues", depths.subList(0, Math.min(20, depths.size())));
        Map<String, Object> relayed = new LinkedHashMap<>(relay.stats());
        RelayInterest i = interest;
        if (i != null) {
            int[] listening = i.counts();
            relayed.put("destinationsListened", listening[0]);
            relayed.put("patternsListened", listening[1]);
            relayed.put("queuesConsumed", listening[2]);
        }
        out.put("relay", relayed);
        return out;
    }
}
