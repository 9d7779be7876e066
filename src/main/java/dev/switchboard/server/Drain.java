package dev.switchboard.server;

import dev.switchboard.handshake.HandshakePolicy;
import dev.switchboard.session.SessionRegistry;
import dev.switchboard.stomp.StompServer;
import jakarta.servlet.ServletContext;
import java.time.Duration;
import java.util.logging.Logger;

/**
 * Stopping without dropping anyone mid-sentence: {@code /health} says DOWN (503) and new
 * connections are refused with 503 at once, so a load balancer moves on; every STOMP session gets
 * an ERROR frame saying the server is going away and is closed with 1001 once it has been written
 * (waiting for that at most until the deadline); then every other connection (echo, chat, a STOMP
 * client whose ERROR could not leave in time) is closed with 1001; a SockJS STOMP session's
 * close goes out as its close frame. Queue messages still held on this node are reported. Run
 * when the deployment stops, and from JMX ({@code drain}) before a planned stop.
 */
final class Drain {

    private static final Logger LOG = Logger.getLogger(Drain.class.getName());

    private Drain() {
    }

    /** @return how many connections were open when it began */
    static int run(ServletContext context, Duration deadline) {
        SessionRegistry registry = (SessionRegistry) context.getAttribute(Bootstrap.REGISTRY);
        if (registry == null) {
            return 0;
        }
        int open = registry.openCount();
        if (context.getAttribute(HandshakePolicy.ATTRIBUTE) instanceof HandshakePolicy handshake) {
            handshake.admission().drain();
        }
        StompServer stomp = context.getAttribute(Bootstrap.STOMP) instanceof StompServer s ? s : null;
        int told = stomp == null ? 0 : stomp.goingAway();
        // the told sessions' connections close once their ERROR is written; wait for that, bounded
        int others = Math.max(0, open - told);
        registry.awaitAtMost(others, deadline);
        int left = Math.max(0, registry.openCount() - others);
        registry.closeAll("server shutting down");
        LOG.info(() -> "Switchboard drained: " + open + " connections open, " + told + " STOMP sessions told, "
                + left + " of them still open at the deadline (" + deadline.toMillis() + " ms); the rest closed with 1001");
        if (stomp != null) {
            reportQueues(stomp);
        }
        return open;
    }

    /**
     * What the node's queues still hold once every session is gone: with the relay, nothing (what
     * sessions left unacknowledged went back to Redis for other nodes); on a single node, messages
     * that stop with it, said in the log.
     */
    private static void reportQueues(StompServer stomp) {
        java.util.Map<String, Object> broker = stomp.broker().stats();
        long waiting = broker.get("queueMessagesWaiting") instanceof Number n ? n.longValue() : 0;
        long unacked = broker.get("queueMessagesUnacked") instanceof Number n ? n.longValue() : 0;
        if (waiting + unacked == 0) {
            return;
        }
        LOG.warning(() -> "Switchboard stopping with " + waiting + " /queue/ messages waiting for a consumer and "
                + unacked + " delivered but not acknowledged, in memory on this node: they are lost with it"
                + (stomp.broker().relay().queues() == null ? " (with broker.relay set, queues live in Redis)" : "")
                + "; the deepest: " + broker.get("deepestQueues"));
    }
}
