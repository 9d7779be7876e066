package dev.switchboard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.switchboard.testing.Deployments;
import dev.switchboard.testing.TestSocket;
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
 * A message that arrives in parts (the container's buffers are 1 KiB) is charged to the
 * session's memory budget until it is whole: past the budget the connection closes with 1013
 * and is counted; within it, the message comes back and the charge is given back.
 */
@ExtendWith(ArquillianExtension.class)
class PartsBudgetIT {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.switchboard("parts-budget", Map.of("switchboard.memory.budget.session", "16KiB"));
    }

    @ArquillianResource
    URL base;

    private URI echo() {
        return URI.create(base.toString().replaceFirst("^http", "ws") + "echo");
    }

    @Test
    void aMessageInPartsPastTheSessionsBudgetClosesWith1013() throws Exception {
        long before = Stats.number(Http.get(URI.create(base + "stats")).body(), "closedOverBudget");
        try (TestSocket socket = TestSocket.connect(echo())) {
            String within = "w".repeat(3000); // 6 KB as characters: within 16 KiB
            socket.sendText(within);
            assertEquals(within, socket.nextText());
            socket.sendText(within);
            assertEquals(within, socket.nextText(), "the first message's charge was given back");
            socket.sendText("o".repeat(20_000));
            assertEquals(1013, socket.awaitClose(Duration.ofSeconds(5)).code());
        }
        String stats = Http.get(URI.create(base + "stats")).body();
        assertEquals(before + 1, Stats.number(stats, "closedOverBudget"));
        assertEquals(0, Stats.number(stats, "frames"), stats);
    }
}
