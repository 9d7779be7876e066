package dev.switchboard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.testing.Deployments;
import java.net.URI;
import java.net.URL;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The npm package {@code @stomp/stompjs} (over {@code ws}, in Node) against the real endpoint:
 * connect, subscribe, send with receipts, binary bodies, heart-beats, ack/nack, transactions,
 * the echo handler, disconnect. The script is {@code src/test/node/stomp-e2e.mjs}.
 */
@ExtendWith(ArquillianExtension.class)
class StompJsClientIT {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.switchboard("stompjs", Map.of("switchboard.stomp.heartbeat", "200ms,200ms"));
    }

    @ArquillianResource
    URL base;

    @Test
    void stompJsDoesEverythingAClientDoes() throws Exception {
        String url = base.toString().replaceFirst("^http", "ws") + "stomp";
        NodeScript.run("stomp-e2e.mjs", url);

        String stats = Http.get(URI.create(base + "stats")).body();
        assertTrue(Stats.number(stats, "commits") >= 1, stats);
        assertTrue(Stats.number(stats, "aborts") >= 1, stats);
        assertTrue(Stats.number(stats, "nacks") >= 1, stats);
        assertTrue(Stats.number(stats, "heartbeatsIn") >= 2, stats);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (Stats.number(stats, "sessions") != 0 && System.nanoTime() < deadline) {
            Thread.sleep(50);
            stats = Http.get(URI.create(base + "stats")).body();
        }
        assertEquals(0, Stats.number(stats, "sessions"), "all sessions released: " + stats);
    }
}
