package dev.switchboard.broker;

import dev.switchboard.session.MemoryBudget;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The in-memory broker: {@code /topic/**} publish/subscribe (patterns allowed),
 * {@code /queue/**} one consumer per message with acknowledgements, and user destinations: a
 * session of user {@code bob} subscribing to {@code /user/queue/x} gets what is sent to
 * {@code /user/bob/queue/x} (or {@link #sendToUser}), on every session of bob's.
 *
 * <p>Publishing delivers on the caller's thread, so messages from one sender reach each
 * subscriber in the order sent. It knows nothing of STOMP or WebSocket.
 */
public final class Broker {

    public static final String TOPIC = "/topic/";
    public static final String QUEUE = "/queue/";
    public static final String USER = "/user/";

    /**
     * @param queueBufferMax      messages a {@code /queue} destination keeps while no consumer can take them
     * @param unackedMax          unacknowledged messages one acknowledging queue subscription may hold
     * @param patternWildcardsMax most wildcards in one subscription pattern
     */
    public record Limits(int queueBufferMax, int unackedMax, int patternWildcardsMax) { }

    private final Limits limits;
    private final MemoryBudget budget;
    private final TopicRegistry topics = new TopicRegistry();
    private final Map<String, MessageQueue> queues = new ConcurrentHashMap<>();
    private final BrokerCounters counters = new BrokerCounters();
    private final List<Map.Entry<String, SubscriptionListener>> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** The other nodes ({@link Relay#NONE}: there are none) and what this node listens to through it. */
    private volatile Relay relay = Relay.NONE;
    private volatile RelayInterest interest;
    /** The queues every node shares, or null when queues are this node's own. */
    private volatile SharedQueues shared;
    /** Told how long each fan-out took (nanoseconds), or null: the deployment's metrics. */
    private volatile java.util.function.LongConsumer fanOutTimes;

    /**
     * Hears topic subscriptions under a destination prefix come and go (an application keeping
     * track of who listens: a chat room's presence). Called on the subscriber's thread, after the
     * subscription is live and after it is gone; a listener must not block.
     */
    public interface SubscriptionListener {
        void subscribed(Subscription subscription);

        /** The subscription ended: unsubscribed, or its session closed. */
        void unsubscribed(Subscription subscription);

        /**
         * True when deliveries to this new subscription should wait until the listener calls
         * {@link Broker#release} (after telling the subscriber what it missed: a chat room's
         * history). A listener that says so must release every such subscription.
         */
        default boolean holdsBack(Subscription subscription) {
            return false;
        }
    }

    /** Registers a listener for topic subscriptions whose destination starts with {@code prefix}. */
    public void listen(String prefix, SubscriptionListener listener) {
        listeners.add(Map.entry(prefix, listener));
    }

    /** Hands a message to one subscription only (what an application sends to a newcomer). */
    public boolean deliverTo(Subscription subscription, Message message) {
        return handOver(subscription, message) > 0;
    }

    /**
     * Ends the hold a {@link SubscriptionListener#holdsBack listener asked for}: what was published
     * to the subscription meanwhile is delivered in order, except what {@code seen} says the
     * subscriber already has (in the history the listener gave it); then deliveries go straight
     * through. Nothing when the subscription is not held.
     */
    public void release(Subscription subscription, java.util.function.Predicate<Message> seen) {
        synchronized (subscription) { // a delivery racing with the release waits here, so it comes after the kept ones
            for (Message m : subscription.endHold()) {
                if (!seen.test(m)) {
                    handOver(subscription, m);
                }
            }
        }
    }

    /** @param budget what queued messages and new queues are charged to */
    public Broker(Limits limits, MemoryBudget budget) {
        this.limits = limits;
        this.budget = budget;
    }

    /** A broker whose only limits are these counts (tests, tools). */
    public Broker(int queueBufferMax, int unackedMax) {
        this(new Limits(queueBufferMax, unackedMax, 16), MemoryBudget.unlimited());
    }

    /**
     * Joins the other nodes through {@code relay}: topic and user messages published here go to
     * them, theirs come here. Called once at startup, before any subscription.
     */
    public void relay(Relay relay) {
        if (this.relay != Relay.NONE) {
            throw new IllegalStateException("the broker already has a relay: " + this.relay);
        }
        this.interest = new RelayInterest(relay);
        this.relay = relay;
        this.shared = relay.queues();
        RelayInbound inbound = new RelayInbound(topics, queues, budget, counters, this::deliver);
        relay.start(inbound, inbound);
    }

    /**
     * Hears, after each topic or user message, how long handing it to every local subscriber's
     * pipeline took (nanoseconds); set once at startup.
     */
    public void timeFanOuts(java.util.function.LongConsumer times) {
        this.fanOutTimes = times;
    }

    /** The relay to other nodes; {@link Relay#NONE} on a single node. */
    public Relay relay() {
        return relay;
    }

    /** True for a destination the broker serves (topic, queue, user). */
    public static boolean isBrokerDestination(String destination) {
        return destination.startsWith(TOPIC) || destination.startsWith(QUEUE) || destination.startsWith(USER);
    }

    /**
     * Subscribes. {@code user} is the name user destinations resolve to for this session (the
     * principal's name, or a per-session name for anonymous sessions).
     *
     * @throws BrokerException for a destination the broker does not serve, or a bad pattern
     */
    public Subscription subscribe(Subscriber owner, String user, String id, String destination, AckMode ack,
                                  Object tag) throws BrokerException {
        return subscribe(owner, user, id, destination, ack, tag, Map.of());
    }

    /**
     * As above, with the subscribe request's headers (listeners read them: a chat nickname, say).
     */
    public Subscription subscribe(Subscriber owner, String user, String id, String destination, AckMode ack,
                                  Object tag, Map<String, String> headers) throws BrokerException {
        Subscription s;
        if (destination.startsWith(TOPIC)) {
            DestinationPattern pattern = null;
            if (DestinationPattern.isPattern(destination)) {
                try {
                    pattern = DestinationPattern.compile(destination, limits.patternWildcardsMax());
                } catch (IllegalArgumentException e) {
                    throw new BrokerException("bad destination pattern " + destination + ": " + e.getMessage());
                }
            }
            s = new Subscription(owner, id, destination, destination, ack, tag, pattern, headers);
            for (Map.Entry<String, SubscriptionListener> l : listeners) {
                if (destination.startsWith(l.getKey()) && l.getValue().holdsBack(s)) {
                    s.holdBack();
                    break;
                }
            }
            topics.add(s);
            listenElsewhere(s);
            counters.subscribes.increment();
            for (Map.Entry<String, SubscriptionListener> l : listeners) {
                if (destination.startsWith(l.getKey())) {
                    l.getValue().subscribed(s);
                }
            }
            return s;
        } else if (destination.startsWith(QUEUE)) {
            noPattern(destination);
            s = new Subscription(owner, id, destination, destination, ack, tag, null, headers);
            while (!queue(destination, account(owner.account())).subscribe(s)) {
                Thread.onSpinWait(); // retired between lookup and subscribe: a new one is made
            }
            if (shared != null) {
                interest.queue(destination, +1);
            }
        } else if (destination.startsWith(USER)) {
            noPattern(destination);
            String rest = destination.substring(USER.length() - 1);
            if (!rest.startsWith(QUEUE) && !rest.startsWith(TOPIC)) {
                throw new BrokerException("subscribe to /user/queue/... (or /user/topic/...); "
                        + destination + " is another user's destination or not a user destination");
            }
            s = new Subscription(owner, id, destination, userKey(user, rest), ack, tag, null, headers);
            topics.add(s);
            listenElsewhere(s);
        } else {
            throw new BrokerException("no such destination " + destination
                    + ": subscribe to /topic/..., /queue/... or /user/queue/...");
        }
        counters.subscribes.increment();
        return s;
    }

    public void unsubscribe(Subscription s) {
        if (s.queue != null) {
            boolean was = s.queue.unsubscribe(s);
            retireIfIdle(s.queue);
            if (was && shared != null) {
                interest.queue(s.destination(), -1);
            }
        } else {
            if (topics.remove(s) && interest != null) {
                interest.remove(s);
            }
            for (Map.Entry<String, SubscriptionListener> l : listeners) {
                if (s.destination().startsWith(l.getKey())) {
                    l.getValue().unsubscribed(s);
                }
            }
        }
        counters.unsubscribes.increment();
    }

    /**
     * Publishes to {@code /topic/...}, {@code /queue/...} or {@code /user/{name}/queue/...}.
     * Returns how many subscriptions got it (for a queue, 1 also when it waits for a consumer).
     *
     * @throws BrokerException when a queue with no consumer has no room, or the destination is
     *                         not the broker's; nothing was delivered
     */
    public int publish(Message message) throws BrokerException {
        return publish(message, null);
    }

    /**
     * As {@link #publish(Message)}, charging what a queue keeps of it to {@code payer} (the
     * sender's account; null: the node's).
     *
     * @throws BrokerException also when the payer's memory budget or its address's queue count is full
     */
    public int publish(Message message, MemoryBudget.Account payer) throws BrokerException {
        String destination = message.destination();
        counters.published.increment();
        if (destination.startsWith(TOPIC)) {
            return fanOut(message, destination);
        }
        if (destination.startsWith(QUEUE)) {
            noPattern(destination);
            SharedQueues sharedQueues = shared;
            if (sharedQueues != null) {
                sharedQueues.send(destination, message); // kept by the shared store, not in this node's heap
                return 1;
            }
            MemoryBudget.Account account = account(payer);
            try {
                account.reserve(MemoryBudget.Use.QUEUED, message.footprint());
            } catch (MemoryBudget.Refused e) {
                counters.overBudget.increment();
                throw new BrokerException("message to " + destination + " not accepted: " + e.getMessage());
            }
            MessageQueue.Offer offered;
            MessageQueue q;
            try {
                do {
                    q = queue(destination, account);
                    offered = q.offer(message, account);
                } while (offered == MessageQueue.Offer.RETIRED);
            } catch (BrokerException e) {
                account.release(MemoryBudget.Use.QUEUED, message.footprint());
                throw e;
            }
            if (offered == MessageQueue.Offer.FULL) {
                account.release(MemoryBudget.Use.QUEUED, message.footprint());
                retireIfIdle(q); // a buffer of 0 and no consumer: keep no empty queue
                counters.queueFull.increment();
                throw new BrokerException("queue " + destination + " is full: " + limits.queueBufferMax()
                        + " messages wait for a consumer that can take them; message not accepted");
            }
            return 1;
        }
        if (destination.startsWith(USER)) {
            int slash = destination.indexOf('/', USER.length());
            if (slash < 0) {
                throw new BrokerException("a user destination is /user/{name}/queue/...; got " + destination);
            }
            return sendToUser(destination.substring(USER.length(), slash), message, destination.substring(slash));
        }
        throw new BrokerException("no such destination " + destination);
    }

    /**
     * Sends to every session of the user subscribed to {@code /user} + {@code userDestination}
     * (say {@code /queue/replies}); they see it under that name.
     */
    public int sendToUser(String user, Message message, String userDestination) {
        Message shown = message.at(USER.substring(0, USER.length() - 1) + userDestination);
        return fanOut(shown, userKey(user, userDestination));
    }

    /**
     * As {@link #sendToUser}, to one session of the user only (an answer to the session that
     * asked, an error for the session that erred).
     */
    public int sendToSession(String user, String sessionId, Message message, String userDestination) {
        Message shown = message.at(USER.substring(0, USER.length() - 1) + userDestination);
        int n = 0;
        for (Subscription s : topics.exact(userKey(user, userDestination))) {
            if (s.owner().sessionId().equals(sessionId)) {
                n += deliver(s, shown);
            }
        }
        counters.deliveries.add(n);
        return n;
    }

    /**
     * Delivers to this node's subscribers of the routing key (and the patterns matching a topic),
     * then hands the message to the other nodes.
     */
    private int fanOut(Message message, String routingKey) {
        java.util.function.LongConsumer times = fanOutTimes;
        long start = times == null ? 0 : System.nanoTime();
        int n = 0;
        for (Subscription s : topics.exact(routingKey)) {
            n += deliver(s, message);
        }
        if (routingKey.startsWith(TOPIC)) {
            for (Subscription s : topics.matching(routingKey)) {
                n += deliver(s, message);
            }
        }
        counters.deliveries.add(n);
        if (times != null) {
            times.accept(System.nanoTime() - start);
        }
        Relay r = relay;
        if (r != Relay.NONE) {
            r.publish(routingKey, message);
        }
        return n;
    }

    private void listenElsewhere(Subscription s) {
        RelayInterest i = interest;
        if (i != null) {
            i.add(s);
        }
    }

    private int deliver(Subscription s, Message message) {
        if (s.holding() && s.keepBack(message, counters.keptBackDropped)) {
            return 1;
        }
        return handOver(s, message);
    }

    private int handOver(Subscription s, Message message) {
        if (s.owner().deliver(s, message, false)) {
            return 1;
        }
        counters.undeliverable.increment();
        return 0;
    }

    /** Acknowledges a queue delivery; false when the subscription holds no such message. */
    public boolean ack(Subscription s, String messageId) {
        return s.queue != null && s.queue.ack(s, messageId);
    }

    /** Refuses a queue delivery, which goes to another consumer; false when unknown. */
    public boolean nack(Subscription s, String messageId) {
        return s.queue != null && s.queue.nack(s, messageId);
    }

    private MemoryBudget.Account account(MemoryBudget.Account payer) {
        return payer == null ? budget.node() : payer;
    }

    /**
     * The queue of that name, made (and counted against the creator's address) when there is none.
     *
     * @throws BrokerException when the creator's address may make no more destinations
     */
    private MessageQueue queue(String name, MemoryBudget.Account creator) throws BrokerException {
        MessageQueue q = queues.get(name);
        if (q != null) {
            return q;
        }
        try {
            creator.createDestination("queue");
        } catch (MemoryBudget.Refused e) {
            counters.overBudget.increment();
            throw new BrokerException("queue " + name + " not made: " + e.getMessage());
        }
        MessageQueue made = new MessageQueue(name, limits.queueBufferMax(), limits.unackedMax(), counters, creator,
                shared);
        MessageQueue raced = queues.putIfAbsent(name, made);
        if (raced != null) {
            creator.dropDestination();
            return raced;
        }
        return made;
    }

    /** Drops a queue nobody consumes and nothing waits in. */
    private void retireIfIdle(MessageQueue q) {
        queues.computeIfPresent(q.name(), (name, current) -> current == q && q.retireIfIdle() ? null : current);
    }

    private static String userKey(String user, String userDestination) {
        return USER + user + userDestination;
    }

    private static void noPattern(String destination) throws BrokerException {
        if (DestinationPattern.isPattern(destination)) {
            throw new BrokerException("patterns are only for /topic subscriptions: " + destination);
        }
    }

    /** Counters and the deepest queues, for {@code /stats}. */
    public Map<String, Object> stats() {
        return counters.stats(topics, queues, relay, interest);
    }
}
