package dev.switchboard.server;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import jakarta.servlet.ServletContext;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The deployment's Micrometer registry, scraped as Prometheus text at {@code /metrics}: counters
 * and gauges read from the same snapshot as {@code /stats} (taken once per scrape), and timers
 * with histograms for WebSocket handshakes and fan-outs. Every name starts with
 * {@code switchboard_}. Made only when {@code metrics.enabled} is true (see
 * {@link DeploymentMetrics#create}); Micrometer is an optional dependency of the library (the demo
 * WAR has it), and no other class names its types.
 */
final class Metrics implements DeploymentMetrics {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final ServletContext context;
    private final Timer handshakes;
    private final Timer fanOuts;
    /** The /stats snapshot the meters read, refreshed by each scrape. */
    private volatile Map<String, Object> latest = Map.of();

    Metrics(ServletContext context) {
        this.context = context;
        handshakes = Timer.builder("switchboard.handshake")
                .description("WebSocket handshakes that succeeded: from the request to the 101 answer")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(10)).register(registry);
        fanOuts = Timer.builder("switchboard.fanout")
                .description("Topic and user messages: from publishing to every local subscriber having it queued")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofNanos(1000))
                .maximumExpectedValue(Duration.ofSeconds(1)).register(registry);
        counter("connections.opened", "Connections opened", "connections", "opened");
        for (String cause : List.of("TooBig", "SlowConsumer", "SendFailed", "HandlerError", "Shutdown", "RateLimited",
                "OverBudget")) {
            FunctionCounter.builder("switchboard.connections.closed", this, m -> m.count("connections", "closed" + cause))
                    .description("Connections the server closed, by cause").tag("cause", cause).register(registry);
        }
        counter("connections.closed.all", "Connections closed, whoever closed them", "connections", "closed");
        counter("messages.in", "Messages received from clients", "connections", "messagesIn");
        counter("messages.out", "Messages sent to clients", "connections", "messagesOut");
        gauge("connections.open", "Connections open now", "connections", "open");
        counter("broker.published", "Messages published into the broker", "stomp", "broker", "published");
        counter("broker.deliveries", "Deliveries to subscribers", "stomp", "broker", "deliveries");
        counter("broker.undeliverable", "Deliveries a subscriber could not take", "stomp", "broker", "undeliverable");
        counter("broker.redelivered", "Queue messages redelivered", "stomp", "broker", "redelivered");
        counter("broker.refused.queue.full", "Messages refused by a full queue", "stomp", "broker", "queueFullRefusals");
        counter("broker.refused.over.budget", "Messages refused by the memory budget", "stomp", "broker", "overBudgetRefusals");
        gauge("broker.subscriptions", "Subscriptions now", "stomp", "broker", "subscriptions");
        gauge("broker.queue.waiting", "Queue messages waiting for a consumer", "stomp", "broker", "queueMessagesWaiting");
        gauge("broker.queue.unacked", "Queue messages delivered, not yet acknowledged", "stomp", "broker", "queueMessagesUnacked");
        counter("relay.published", "Messages handed to the other nodes", "stomp", "broker", "relay", "published");
        counter("relay.received", "Messages received from the other nodes", "stomp", "broker", "relay", "received");
        counter("relay.not.relayed", "Messages that could not reach the other nodes", "stomp", "broker", "relay", "notRelayed");
        gauge("sockjs.sessions", "SockJS HTTP sessions now", "sockjs", "httpSessions");
        gauge("sockjs.websockets", "SockJS WebSocket sessions now", "sockjs", "websocketSessions");
        gauge("chat.rooms", "Chat rooms held", "chat", "rooms");
        gauge("chat.members", "Chat members on this node", "chat", "members");
        counter("chat.messages", "Chat messages published", "chat", "messages");
        for (String reason : List.of("refusedOrigin", "tokensRefused", "interceptorRefusals")) {
            FunctionCounter.builder("switchboard.handshakes.refused", this, m -> m.count("handshake", reason))
                    .description("Handshakes refused, by reason").tag("reason", reason).register(registry);
        }
        gauge("memory.used", "Bytes held for clients, counted against the memory budget", "limits", "memory", "used");
    }

    @Override
    public void handshake(long nanos) {
        handshakes.record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void fanOut(long nanos) {
        fanOuts.record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public String scrape() {
        latest = StatsServlet.snapshot(context);
        return registry.scrape();
    }

    @Override
    public void close() {
        registry.close();
    }

    private void counter(String name, String description, String... path) {
        FunctionCounter.builder("switchboard." + name, this, m -> m.count(path)).description(description)
                .register(registry);
    }

    private void gauge(String name, String description, String... path) {
        Gauge.builder("switchboard." + name, this, m -> m.number(path)).description(description).register(registry);
    }

    /** A counted figure of the latest snapshot; 0 when this deployment counts no such thing (no relay, say). */
    private double count(String... path) {
        double n = number(path);
        return Double.isNaN(n) ? 0 : n;
    }

    /** A figure of the latest snapshot; NaN when this deployment has none (chat off, no relay). */
    private double number(String... path) {
        Object at = latest;
        for (String step : path) {
            if (!(at instanceof Map<?, ?> map) || !map.containsKey(step)) {
                return Double.NaN;
            }
            at = map.get(step);
        }
        return at instanceof Number n ? n.doubleValue() : Double.NaN;
    }
}
