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

    /** True for a {@code /queue} subscription that acknowledges (messages may come back). */
    public boolean tracksAcks() {
        return queue != null && ack != AckMode.AUTO;
    }

    @Override
    public String toString() {
        return owner.sessionId() + "/" + id + " " + destination;
    }
}
