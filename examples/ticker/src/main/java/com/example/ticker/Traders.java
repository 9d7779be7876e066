package com.example.ticker;

import dev.switchboard.api.Messaging;
import dev.switchboard.api.MessagingSession;
import dev.switchboard.api.SessionListener;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** Counts the connected traders and tells everyone on {@code /topic/traders} when it changes. */
public class Traders implements SessionListener {

    private final Messaging messaging;
    private final AtomicInteger online = new AtomicInteger();

    public Traders(Messaging messaging) {
        this.messaging = messaging;
    }

    @Override
    public void connected(MessagingSession session) {
        messaging.publish("/topic/traders", Map.of("online", online.incrementAndGet()));
    }

    @Override
    public void disconnected(MessagingSession session, String reason) {
        messaging.publish("/topic/traders", Map.of("online", online.decrementAndGet()));
    }
}
