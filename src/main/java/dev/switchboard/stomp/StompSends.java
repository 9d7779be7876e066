package dev.switchboard.stomp;

import dev.switchboard.api.MessagingSession;
import dev.switchboard.broker.Broker;
import dev.switchboard.security.DestinationRules;
import dev.switchboard.broker.BrokerException;
import dev.switchboard.broker.Message;
import dev.switchboard.session.MemoryBudget;
import dev.switchboard.stomp.app.ApplicationRouter;
import java.util.ArrayList;
import java.util.List;

/**
 * SEND: to an application handler ({@code /app/...}) or into the broker ({@code /topic/},
 * {@code /queue/}, {@code /user/}). Called on the thread handling the session's frames; answers
 * null when the message went, else the problem to report in an ERROR frame.
 */
final class StompSends {

    private final StompServer server;

    StompSends(StompServer server) {
        this.server = server;
    }

    StompSubscriptions.Problem send(StompFrame frame, MessagingSession session, MemoryBudget.Account account) {
        String destination = frame.header("destination");
        if (destination == null || destination.isEmpty()) {
            return new StompSubscriptions.Problem("missing destination", "SEND needs a destination header");
        }
        String denied = server.access().refusal(DestinationRules.Command.SEND, destination, session.principal(),
                session.id());
        if (denied != null) {
            return new StompSubscriptions.Problem("access denied", denied);
        }
        if (ApplicationRouter.isApplicationDestination(destination)) {
            server.router().dispatch(new ApplicationRouter.Request(destination, frame.headers().firstValues(),
                    frame.body(), session));
            return null; // whatever goes wrong is answered on the sender's error destination
        }
        if (!Broker.isBrokerDestination(destination)) {
            return new StompSubscriptions.Problem("unknown destination", "no such destination " + destination
                    + ": send to /topic/..., /queue/..., /user/{name}/queue/... or /app/...");
        }
        List<String> pass = new ArrayList<>();
        StompHeaders headers = frame.headers();
        for (int i = 0; i < headers.size(); i++) {
            if (!MessageWire.reserved(headers.name(i))) {
                pass.add(headers.name(i));
                pass.add(headers.value(i));
            }
        }
        Message message = new Message(server.nextMessageId(), destination, frame.header("content-type"), pass,
                frame.body());
        try {
            server.broker().publish(message, account);
            return null;
        } catch (BrokerException e) {
            return new StompSubscriptions.Problem("message refused", e.getMessage());
        }
    }
}
