package dev.switchboard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.runner.EmbeddedServer;
import dev.switchboard.stomp.StompCommand;
import dev.switchboard.stomp.StompFrame;
import dev.switchboard.testing.StompTestClient;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The demo WAR with {@code metrics.enabled}: {@code /metrics} in Prometheus's text format, through Micrometer from the WAR. */
class MetricsIT {

    private static final Path WAR = Path.of(System.getProperty("test.war", "target/test.war"));
    private static EmbeddedServer server;

    @BeforeAll
    static void start() throws Exception {
        server = EmbeddedServer.start(WAR, "127.0.0.1", 0, Path.of("target", "metrics-it"),
                Map.of("switchboard.metrics.enabled", "true"));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void prometheusTextWithCountersGaugesAndTimerHistograms() throws Exception {
        URI stomp = URI.create("ws://127.0.0.1:" + server.port() + "/stomp");
        try (StompTestClient subscriber = StompTestClient.connect(stomp);
             StompTestClient publisher = StompTestClient.connect(stomp)) {
            subscriber.send(StompFrame.of(StompCommand.SUBSCRIBE, "id", "1", "destination", "/topic/metered", "receipt", "r"));
            subscriber.expect(StompCommand.RECEIPT);
            for (int i = 0; i < 3; i++) {
                publisher.send(StompFrame.of(StompCommand.SEND, "destination", "/topic/metered").withBody("m" + i));
                subscriber.expect(StompCommand.MESSAGE);
            }
            var metrics = Http.get(server.uri().resolve("metrics"));
            assertEquals(200, metrics.statusCode());
            assertTrue(metrics.headers().firstValue("content-type").orElse("").startsWith("text/plain;version=0.0.4"),
                    metrics.headers().toString());
            String text = metrics.body();
            assertTrue(text.contains("# TYPE switchboard_connections_opened_total counter"), text);
            assertTrue(value(text, "switchboard_connections_opened_total") >= 2, text);
            assertEquals(2, value(text, "switchboard_connections_open"), text);
            assertTrue(value(text, "switchboard_broker_deliveries_total") >= 3, text);
            assertEquals(1, value(text, "switchboard_broker_subscriptions"), text);
            assertTrue(value(text, "switchboard_handshake_seconds_count") >= 2, text);
            assertTrue(value(text, "switchboard_fanout_seconds_count") >= 3, text);
            assertTrue(text.contains("switchboard_handshake_seconds_bucket{le=\""), "a histogram: " + text);
            assertTrue(text.contains("switchboard_connections_closed_total{cause=\"SlowConsumer\"}"), text);
            assertTrue(text.lines().filter(l -> !l.startsWith("#") && !l.isBlank())
                    .allMatch(l -> l.startsWith("switchboard_")), "every metric is Switchboard's");
        }
    }

    private static double value(String text, String name) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "(?:\\{[^}]*\\})? (\\S+)$").matcher(text);
        if (!m.find()) {
            throw new AssertionError("no " + name + " in " + text);
        }
        return Double.parseDouble(m.group(1));
    }
}
