package dev.switchboard.stomp;

import dev.switchboard.api.MessagingSession;
import dev.switchboard.broker.AckMode;
import dev.switchboard.security.DestinationRules;
import dev.switchboard.broker.Broker;
import dev.switchboard.broker.BrokerException;
import dev.switchboard.broker.Subscriber;
import dev.switchboard.broker.Subscription;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiConsumer;
import dev.switchboard.stomp.app.ApplicationRouter;

/**
 * One STOMP session's subscriptions: SUBSCRIBE, UNSUBSCRIBE and the ACK/NACK lookups, kept by
 * subscription id. Called under the session's lock, on the thread handling its frames; each
 * method answers null when the frame was applied, else the problem to report in an ERROR frame.
 */
final class StompSubscriptions {

    /** Why a frame was refused: the ERROR frame's {@code message} header and its body. */
    record Problem(String message, String detail) {
    }

    private final Map<String, Subscription> byId = new LinkedHashMap<>();
    private final Broker broker;
    private final ApplicationRouter router;
    private final StompAccess access;
    private final int max;
    private final StompMetrics metrics;

    StompSubscriptions(Broker broker, ApplicationRouter router, StompAccess access, int max, StompMetrics metrics) {
        this.access = access;
        this.broker = broker;
        this.router = router;
        this.max = max;
        this.metrics = metrics;
    }

    /**
     * SUBSCRIBE: to the broker, or to an application's {@code @SubscribeMapping}, which answers
     * once on this subscription and keeps nothing. {@code subscribed} hears a kept subscription.
     */
    Problem subscribe(Subscriber owner, MessagingSession session, StompFrame frame, StompVersion version,
                      BiConsumer<String, String> subscribed) {
        String destination = frame.header("destination");
        String subId = frame.header("id");
        if (destination == null || destination.isEmpty()) {
            return new Problem("missing destination", "SUBSCRIBE needs a destination header");
        }
        if (subId == null) {
            if (version != StompVersion.V1_0) {
                return new Problem("missing id", "SUBSCRIBE needs an id header");
            }
            subId = destination; // 1.0 made the id optional
        }
        String denied = access.refusal(DestinationRules.Command.SUBSCRIBE, destination, session.principal(), session.id());
        if (denied != null) {
            return new Problem("access denied", denied);
        }
        AckMode ack = AckMode.of(frame.header("ack"));
        if (ack == null || (ack == AckMode.CLIENT_INDIVIDUAL && version == StompVersion.V1_0)) {
            return new Problem("bad ack header", "ack must be auto, client or client-individual (1.1+); got \""
                    + frame.header("ack") + "\"");
        }
        if (byId.containsKey(subId)) {
            return new Problem("duplicate subscription id", "this session already has a subscription with id " + subId);
        }
        if (byId.size() >= max) {
            return new Problem("too many subscriptions", "a session may hold at most " + max + " subscriptions");
        }
        StringBuilder line = new StringBuilder();
        StompEncoder.appendHeader(line, "subscription", subId, version, version.escapes());
        MessageWire.Tag tag = new MessageWire.Tag(line.toString(), line.toString().getBytes(StandardCharsets.UTF_8));
        if (ApplicationRouter.isApplicationDestination(destination)) {
            Subscription once = Subscription.detached(owner, subId, destination, tag);
            router.subscribe(new ApplicationRouter.Request(destination, frame.headers().firstValues(), frame.body(),
                    session), message -> owner.deliver(once, message, false));
            return null;
        }
        try {
            Subscription s = broker.subscribe(owner, session.userName(), subId, destination, ack, tag,
                    frame.headers().firstValues());
            byId.put(subId, s);
            subscribed.accept(subId, destination);
            return null;
        } catch (BrokerException e) {
            return new Problem("subscription refused", e.getMessage());
        }
    }

    /** UNSUBSCRIBE; {@code unsubscribed} hears the id and destination of a subscription that ended. */
    Problem unsubscribe(StompFrame frame, StompVersion version, BiConsumer<String, String> unsubscribed) {
        String subId = frame.header("id");
        if (subId == null && version == StompVersion.V1_0) {
            subId = frame.header("destination");
        }
        if (subId == null) {
            return new Problem("missing id", "UNSUBSCRIBE needs an id header");
        }
        Subscription s = byId.remove(subId);
        if (s != null) {
            broker.unsubscribe(s);
            unsubscribed.accept(s.id(), s.destination());
        }
        return null;
    }

    /**
     * ACK or NACK: to the named subscription (1.1), or to whichever of this session's
     * subscriptions holds the message. An unknown or repeated id is counted, not refused.
     */
    Problem acknowledge(StompFrame frame, StompVersion version) {
        boolean ack = frame.command() == StompCommand.ACK;
        if (!ack && version == StompVersion.V1_0) {
            return new Problem("unexpected frame", "NACK is not part of STOMP 1.0");
        }
        String idHeader = version == StompVersion.V1_2 ? "id" : "message-id";
        String messageId = frame.header(idHeader);
        if (messageId == null) {
            return new Problem("missing " + idHeader, frame.command() + " needs the " + idHeader + " header");
        }
        String subId = version == StompVersion.V1_1 ? frame.header("subscription") : null;
        if (ack) {
            metrics.acks.increment();
        } else {
            metrics.nacks.increment();
        }
        if (subId != null) {
            Subscription s = byId.get(subId);
            if (s == null) {
                return new Problem("unknown subscription", "no subscription " + subId + " in this session");
            }
            if (s.tracksAcks() && !settle(s, messageId, ack)) {
                metrics.unknownAcks.increment();
            }
            return null;
        }
        for (Subscription s : byId.values()) {
            if (s.tracksAcks() && settle(s, messageId, ack)) {
                return null;
            }
        }
        metrics.unknownAcks.increment(); // topic acks are not tracked; so are repeats
        return null;
    }

    private boolean settle(Subscription s, String messageId, boolean ack) {
        return ack ? broker.ack(s, messageId) : broker.nack(s, messageId);
    }

    /** The session ends: every subscription goes (their unacknowledged messages to other consumers). */
    void releaseAll() {
        for (Subscription s : byId.values()) {
            broker.unsubscribe(s);
        }
        byId.clear();
    }
}
