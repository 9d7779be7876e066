package dev.switchboard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.testing.Deployments;
import dev.switchboard.testing.TestSocket;
import java.net.URI;
import java.net.URL;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A client that stops reading is cut off by the outbound limit, counted, and harms nobody else. */
@ExtendWith(ArquillianExtension.class)
class SlowConsumerIT {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.switchboard("slow", Map.of("switchboard.outbound.queue.max", "256KiB",
                "switchboard.send.timeout", "2s"));
    }

    @ArquillianResource
    URL base;

    @Test
    void clientThatStopsReadingIsClosedAndCounted() throws Exception {
        URI echo = URI.create(base.toString().replaceFirst("^http", "ws") + "echo");
        String chunk = "z".repeat(60_000);
        try (TestSocket bystander = TestSocket.connect(echo); TestSocket slow = TestSocket.connectNotReading(echo)) {
            // 60 MB echoed to a client that reads nothing: socket buffers fill, then the queue
            CompletableFuture<Void> flood = CompletableFuture.runAsync(() -> {
                for (int i = 0; i < 1_000 && !slow.isClosedByServer(); i++) {
                    try {
                        slow.sendText(chunk);
                    } catch (RuntimeException closed) {
                        return;
                    }
                }
            });
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            long slowClosed = 0;
            while (System.nanoTime() < deadline) {
                slowClosed = Stats.number(Http.get(URI.create(base + "stats")).body(), "closedSlowConsumer");
                if (slowClosed > 0) {
                    break;
                }
                Thread.sleep(100);
            }
            assertTrue(slowClosed > 0, Http.get(URI.create(base + "stats")).body());
            flood.get(30, TimeUnit.SECONDS);
            bystander.sendText("unharmed");
            assertEquals("unharmed", bystander.nextText());
        }
    }
}
