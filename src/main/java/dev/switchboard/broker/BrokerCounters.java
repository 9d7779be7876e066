package dev.switchboard.broker;

import java.util.concurrent.atomic.LongAdder;

/** What the broker counts, for {@code /stats}. */
final class BrokerCounters {
    final LongAdder published = new LongAdder();
    final LongAdder deliveries = new LongAdder();
    final LongAdder undeliverable = new LongAdder();
    /** Deliveries to a held subscription past {@link Subscription#KEPT_BACK_MAX}. */
    final LongAdder keptBackDropped = new LongAdder();
    final LongAdder redelivered = new LongAdder();
    final LongAdder queueFull = new LongAdder();
    final LongAdder overBudget = new LongAdder();
    final LongAdder subscribes = new LongAdder();
    final LongAdder unsubscribes = new LongAdder();
}
