package dev.switchboard.server;

import dev.switchboard.handshake.HandshakePolicy;
import dev.switchboard.session.SessionRegistry;
import dev.switchboard.stomp.StompServer;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code /stats} and {@code /health}: the deployment's counters and state as JSON, never cached.
 */
public final class StatsServlet extends HttpServlet {

    private transient Jsonb jsonb;

    @Override
    public void init() {
        jsonb = JsonbBuilder.create();
    }

    @Override
    public void destroy() {
        try {
            jsonb.close();
        } catch (Exception e) {
            log("closing JSON-B failed", e);
        }
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        SessionRegistry registry = (SessionRegistry) getServletContext().getAttribute(Bootstrap.REGISTRY);
        Map<String, Object> body = new LinkedHashMap<>();
        boolean down = registry == null || getServletContext().getAttribute(HandshakePolicy.ATTRIBUTE)
                instanceof HandshakePolicy handshake && handshake.admission().draining();
        if ("/metrics".equals(request.getServletPath())) {
            metrics(request, response);
            return;
        }
        if ("/health".equals(request.getServletPath())) {
            dev.switchboard.broker.Relay.Health relay = getServletContext().getAttribute(Bootstrap.STOMP)
                    instanceof StompServer stomp ? stomp.broker().relay().health() : dev.switchboard.broker.Relay.Health.OK;
            // DEGRADED still answers 200: the node serves its own sessions, a load balancer keeps it
            body.put("status", down ? "DOWN" : relay.ok() ? "UP" : "DEGRADED");
            if (!down && !relay.ok()) {
                body.put("reason", relay.reason());
            }
        } else {
            if (refused(request, response)) {
                return;
            }
            body.putAll(snapshot(getServletContext()));
        }
        response.setStatus(down ? 503 : 200);
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        response.setHeader("Cache-Control", "no-store");
        response.getWriter().write(jsonb.toJson(body));
    }

    /** Answers a request {@code stats.access} does not allow (401, 403, 503); true when it did. */
    private boolean refused(HttpServletRequest request, HttpServletResponse response) throws IOException {
        StatsAccess access = (StatsAccess) getServletContext().getAttribute(Bootstrap.STATS_ACCESS);
        StatsAccess.Refusal refusal = access == null ? new StatsAccess.Refusal(503, "not started") : access.check(request);
        if (refusal == null) {
            return false;
        }
        response.setStatus(refusal.status());
        if (refusal.status() == 401) {
            response.setHeader("WWW-Authenticate", "Bearer");
        }
        response.setContentType("text/plain;charset=UTF-8");
        response.getWriter().write(refusal.reason() + "\n");
        return true;
    }

    /** Prometheus text, when metrics are on (404 otherwise), for whoever may read /stats. */
    private void metrics(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (!(getServletContext().getAttribute(DeploymentMetrics.ATTRIBUTE) instanceof DeploymentMetrics metrics)) {
            response.sendError(404, "metrics are off (metrics.enabled)");
            return;
        }
        if (refused(request, response)) {
            return;
        }
        response.setContentType("text/plain;version=0.0.4;charset=UTF-8");
        response.setHeader("Cache-Control", "no-store");
        response.getWriter().write(metrics.scrape());
    }

    /** The figures /stats shows (and the JMX bean): connections, STOMP, chat, SockJS, handshake, limits, heap. */
    static Map<String, Object> snapshot(jakarta.servlet.ServletContext context) {
        SessionRegistry registry = (SessionRegistry) context.getAttribute(Bootstrap.REGISTRY);
        HandshakePolicy handshake = (HandshakePolicy) context.getAttribute(HandshakePolicy.ATTRIBUTE);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("connections", registry == null ? Map.of() : registry.counters());
        if (context.getAttribute(Bootstrap.STOMP) instanceof StompServer stomp) {
            body.put("stomp", stomp.stats());
        }
        if (context.getAttribute(dev.switchboard.chat.ChatService.KEY) instanceof dev.switchboard.chat.ChatService chat) {
            body.put("chat", chat.stats());
        }
        if (context.getAttribute(dev.switchboard.sockjs.SockJsServer.KEY) instanceof dev.switchboard.sockjs.SockJsServer sockjs) {
            body.put("sockjs", sockjs.stats());
        }
        body.put("handshake", handshake == null ? Map.of() : Map.of("refusedOrigin", handshake.refusedOrigins(),
                "tokensRefused", handshake.identity().refused(),
                "interceptorRefusals", handshake.interceptors().refused()));
        if (context.getAttribute(Bootstrap.STATS_ACCESS) instanceof StatsAccess access) {
            body.put("statsRefused", access.refused());
        }
        Map<String, Object> limits = new LinkedHashMap<>();
        if (context.getAttribute(Bootstrap.STOMP) instanceof StompServer stomp) {
            limits.put("memory", stomp.budget().stats());
        }
        if (handshake != null) {
            limits.put("connections", handshake.admission().stats());
        }
        body.put("limits", limits);
        // every timer the deployment holds (heart-beats, CONNECT deadlines, token expiries, sweeps): a
        // count that grows with sessions and must fall back when they end
        if (context.getAttribute(Bootstrap.BACKGROUND) instanceof java.util.concurrent.ScheduledThreadPoolExecutor timers) {
            body.put("timers", timers.getQueue().size());
        }
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        body.put("jvm", Map.of("heapUsed", heap.getUsed(), "heapMax", heap.getMax()));
        return body;
    }
}
