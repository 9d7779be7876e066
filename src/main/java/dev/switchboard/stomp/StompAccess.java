package dev.switchboard.stomp;

import dev.switchboard.security.DestinationRules;
import java.security.Principal;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Whether a session may SUBSCRIBE or SEND to a destination: the destinations only the server
 * writes (the chat's topics), then the deployment's {@link DestinationRules}, if any. Checked once
 * per SUBSCRIBE or SEND, never per delivery. A refusal is counted and logged (at INFO for the
 * first hundred of the deployment, then FINE, so a client cannot fill the log).
 */
final class StompAccess {

    private static final Logger LOG = Logger.getLogger(StompAccess.class.getName());

    private final DestinationRules rules;
    private final List<String> serverOnly;
    private final StompMetrics metrics;
    private final AtomicLong logged = new AtomicLong();

    StompAccess(DestinationRules rules, List<String> serverOnly, StompMetrics metrics) {
        this.rules = rules;
        this.serverOnly = List.copyOf(serverOnly);
        this.metrics = metrics;
    }

    /** Null when allowed; else the reason for the ERROR frame. */
    String refusal(DestinationRules.Command command, String destination, Principal principal, String sessionId) {
        String refusal = null;
        if (command == DestinationRules.Command.SEND) {
            for (String prefix : serverOnly) {
                if (destination.startsWith(prefix)) {
                    refusal = "only the server publishes to " + prefix + "...; send chat messages to /app/chat/{room}";
                    break;
                }
            }
        }
        if (refusal == null && rules != null) {
            refusal = rules.refusal(command, destination, principal);
        }
        if (refusal != null) {
            metrics.accessDenied.increment();
            String what = refusal;
            LOG.log(logged.incrementAndGet() <= 100 ? Level.INFO : Level.FINE, () -> "STOMP " + sessionId + " ("
                    + (principal == null ? "anonymous" : principal.getName()) + ") refused: " + what);
        }
        return refusal;
    }

    @Override
    public String toString() {
        return rules == null ? "no rules" : rules.toString();
    }
}
