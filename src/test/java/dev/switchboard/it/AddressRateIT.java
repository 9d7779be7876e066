package dev.switchboard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.testing.Deployments;
import dev.switchboard.testing.RawWebSocket;
import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.util.Map;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * `inbound.bytes.rate.address`: connections of one address share one byte budget a second, so a
 * client cannot multiply its rate by opening connections; another address is not affected.
 */
@ExtendWith(ArquillianExtension.class)
class AddressRateIT {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.switchboard("address-rate", Map.of(
                "switchboard.inbound.bytes.rate.address", "256KiB/s,256KiB",
                "switchboard.stomp.heartbeat", "0,0"));
    }

    @ArquillianResource
    URL base;

    private URI stomp() {
        return URI.create(base.toString().replaceFirst("^http", "ws") + "stomp");
    }

    private static RawWebSocket connected(URI stomp, String address) throws Exception {
        RawWebSocket ws = RawWebSocket.open(stomp, address);
        ws.sendText("CONNECT\naccept-version:1.2\nheart-beat:0,0\n\n\0");
        assertTrue(ws.read(Duration.ofSeconds(5)).text().startsWith("CONNECTED"));
        return ws;
    }

    /** Sends 60 KB SENDs with receipts until one is refused (its text) or {@code max} are taken (null). */
    private static String sendUntilRefused(RawWebSocket ws, int max) throws Exception {
        String body = "b".repeat(60_000);
        for (int i = 0; i < max; i++) {
            ws.sendText("SEND\ndestination:/topic/rate\nreceipt:r" + i + "\n\n" + body + "\0");
            RawWebSocket.Frame answer = ws.read(Duration.ofSeconds(5));
            assertNotNull(answer);
            if (!answer.text().startsWith("RECEIPT")) {
                return answer.text();
            }
        }
        return null;
    }

    @Test
    void connectionsOfOneAddressShareItsByteRate() throws Exception {
        long before = Stats.number(Http.get(URI.create(base + "stats")).body(), "rateLimited");
        try (RawWebSocket first = connected(stomp(), "127.0.0.2");
             RawWebSocket second = connected(stomp(), "127.0.0.2");
             RawWebSocket elsewhere = connected(stomp(), "127.0.0.3")) {
            assertEquals(null, sendUntilRefused(first, 3), "180 KB: within the address's 256 KiB burst");
            String refused = sendUntilRefused(second, 3);
            assertNotNull(refused, "the second connection's bytes count against the same address");
            assertTrue(refused.startsWith("ERROR") && refused.contains("other connections of its address"), refused);
            assertEquals(null, sendUntilRefused(elsewhere, 3), "another address has its own");
        }
        assertEquals(before + 1, Stats.number(Http.get(URI.create(base + "stats")).body(), "rateLimited"));
    }
}
