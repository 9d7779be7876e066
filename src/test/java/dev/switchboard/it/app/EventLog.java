package dev.switchboard.it.app;

import dev.switchboard.api.MessageController;
import dev.switchboard.api.MessagingSession;
import dev.switchboard.api.SessionListener;
import dev.switchboard.api.SubscribeMapping;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A listener and a handler in one instance: what it heard, answered to whoever subscribes to /app/events. */
@MessageController
public class EventLog implements SessionListener {

    private final List<String> events = new CopyOnWriteArrayList<>();

    @Override
    public void connected(MessagingSession session) {
        events.add("connected " + session.userName() + " trace=" + session.attributes().get("trace"));
    }

    @Override
    public void subscribed(MessagingSession session, String subscriptionId, String destination) {
        events.add("subscribed " + session.userName() + " " + subscriptionId + " " + destination);
    }

    @Override
    public void unsubscribed(MessagingSession session, String subscriptionId, String destination) {
        events.add("unsubscribed " + session.userName() + " " + subscriptionId + " " + destination);
    }

    @Override
    public void disconnected(MessagingSession session, String reason) {
        events.add("disconnected " + session.userName() + " " + reason);
    }

    @SubscribeMapping("/events")
    public List<String> events() {
        return events;
    }
}
