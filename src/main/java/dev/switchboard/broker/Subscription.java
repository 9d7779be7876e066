package dev.switchboard.broker;

import java.util.LinkedHashMap;

/**
 * One subscription of one session: the client's id for it, what it listens to, and how it
 * acknowledges. The protocol may hang its own per-subscription data on {@link #tag()} (STOMP puts
 * its pre-encoded {@code subscription} header there).
 */
public final class Subscription {

    private final Subscriber owner;
    private final String id;
    private final String destination;
    private final String routingKey;
    private final AckMode ack;
    private final Object tag;
    private final java.util.Map<String, String> headers;
    final DestinationPattern pattern;
    /** Queue subscriptions with client acks: delivered, not yet acknowledged, in order. Guarded by the queue. */
    final LinkedHashMap<String, MessageQueue.Held> unacked = new LinkedHashMap<>();
    MessageQueue queue;
    /**
     * While true, deliveries wait in {@link #keptBack} (a listener asked for it: it first tells
     * the subscriber what it missed, a chat room's history); written before the subscription is
     * visible to publishers and when it is released.
     */
    private volatile boolean holding;
    /** Deliveries kept back while {@link #holding}, in order; null when not holding. Guarded by this. */
    private java.util.ArrayList<Message> keptBack;
    /** Bytes (message footprints) kept back so far; guarded by this. */
    private long keptBackBytes;
    /**
     * Most deliveries, and bytes, kept back; more are dropped and counted (a hold lasts until the
     * listener is done: the messages queued ahead of a chat joiner's welcome, well under a
     * millisecond on one node; with shared state, up to the welcome's Redis round trips).
     */
    static final int KEPT_BACK_MAX = 1024;
    static final long KEPT_BACK_BYTES_MAX = 1024 * 1024;

    Subscription(Subscriber owner, String id, String destination, String routingKey, AckMode ack, Object tag,
                 DestinationPattern pattern, java.util.Map<String, String> headers) {
        this.headers = java.util.Map.copyOf(headers);
        this.owner = owner;
        this.id = id;
        this.destination = destination;
        this.routingKey = routingKey;
        this.ack = ack;
        this.tag = tag;
        this.pattern = pattern;
    }

    /**
     * A subscription the broker does not keep: what a one-off answer to a SUBSCRIBE is delivered
     * on (an application's initial state for the subscriber).
     */
    public static Subscription detached(Subscriber owner, String id, String destination, Object tag) {
        return new Subscription(owner, id, destination, destination, AckMode.AUTO, tag, null, java.util.Map.of());
    }

    public Subscriber owner() {
        return owner;
    }

    public String id() {
        return id;
    }

    /** As the client wrote it. */
    public String destination() {
        return destination;
    }

    /** What the broker routes on ({@code /user/queue/x} becomes {@code /user/<name>/queue/x}). */
    public String routingKey() {
        return routingKey;
    }

    public AckMode ack() {
        return ack;
    }

    public Object tag() {
        return tag;
    }

    /** A header of the subscribe request, or null. */
    public String header(String name) {
        return headers.get(name);
    }

    /** Before the subscription is visible to publishers: deliveries wait until {@link Broker#release}. */
    void holdBack() {
        keptBack = new java.util.ArrayList<>();
        holding = true;
    }

    boolean holding() {
        return holding;
    }

    /**
     * Keeps a delivery back while the subscription is held; false when it is not (any more), and
     * the delivery goes ahead. {@code dropped} counts what did not fit.
     */
    synchronized boolean keepBack(Message message, java.util.concurrent.atomic.LongAdder dropped) {
        if (keptBack == null) {
            return false;
        }
        if (keptBack.size() < KEPT_BACK_MAX && keptBackBytes + message.footprint() <= KEPT_BACK_BYTES_MAX) {
            keptBack.add(message);
            keptBackBytes += message.footprint();
        } else {
            dropped.increment();
        }
        return true;
    }

    /** Under this subscription's lock: ends the hold and returns what was kept back (empty when not held). */
    java.util.List<Message> endHold() {
        java.util.List<Message> kept = keptBack == null ? java.util.List.of() : keptBack;
        keptBack = null;
        keptBackBytes = 0;
        holding = false;
        return kept;
    }

    /** True for a {@code /queue} subscription that acknowledges (messages may come back). */
    public boolean tracksAcks() {
        return queue != null && ack != AckMode.AUTO;
    }

    @Override
    public String toString() {
        return owner.sessionId() + "/" + id + " " + destination;
    }
}
