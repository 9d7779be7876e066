package com.example.ticker;

import dev.switchboard.api.InboundFrame;
import dev.switchboard.api.InboundInterceptor;
import dev.switchboard.api.MessagingException;
import dev.switchboard.api.MessagingSession;

/** Only the server publishes to {@code /topic/...}: a client's SEND there is refused. */
public class ReadOnlyTopics implements InboundInterceptor {

    @Override
    public void inbound(InboundFrame frame, MessagingSession session) {
        String destination = frame.destination();
        if (frame.command().equals("SEND") && destination != null && destination.startsWith("/topic/")) {
            throw new MessagingException("clients may not publish to " + destination);
        }
    }
}
