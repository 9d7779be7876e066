package dev.switchboard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.switchboard.stomp.StompCommand;
import dev.switchboard.stomp.StompFrame;
import dev.switchboard.testing.Await;
import dev.switchboard.testing.Deployments;
import dev.switchboard.testing.StompTestClient;
import dev.switchboard.testing.TestSocket;
import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A subscriber's writes are blocking sends while it keeps up; a reader that pauses until its
 * socket buffers are full ends them, and once it reads again and its writes complete quickly,
 * they come back. Nothing is lost or reordered on the way, and a reader beside it is not held up.
 */
@ExtendWith(ArquillianExtension.class)
class DirectWritesIT {

    private static final Pattern BODY = Pattern.compile("MESSAGE\n[^\0]*?\n\n(pause-\\d+)[^\0]*\0");

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.switchboard("direct-writes", Map.of());
    }

    @ArquillianResource
    URL base;

    private URI stomp() {
        return URI.create(base.toString().replaceFirst("^http", "ws") + "stomp");
    }

    private String stats() throws Exception {
        return Http.get(URI.create(base + "stats")).body();
    }

    @Test
    void aReaderThatPausesLosesDirectWritesAndGetsThemBackWhenItReadsAgain() throws Exception {
        String before = stats();
        long ended = Stats.number(before, "directWritesEnded");
        long resumed = Stats.number(before, "directWritesResumed");
        long subscribes = Stats.number(before, "subscribes");
        TestSocket paused = TestSocket.connectNotReading(stomp());
        try (StompTestClient reader = StompTestClient.connect(stomp());
             StompTestClient publisher = StompTestClient.connect(stomp())) {
            paused.sendText("CONNECT\naccept-version:1.2\nheart-beat:0,0\n\n\0");
            paused.sendText("SUBSCRIBE\nid:p\ndestination:/topic/pause\n\n\0");
            reader.send(StompFrame.of(StompCommand.SUBSCRIBE, "id", "r", "destination", "/topic/pause", "receipt", "r"));
            reader.expect(StompCommand.RECEIPT);
            Await.until("both SUBSCRIBEs taken", Duration.ofSeconds(10),
                    () -> Stats.number(stats(), "subscribes") >= subscribes + 2);
            String filler = "f".repeat(4000);
            int sent = 0;
            // Until the paused reader's backlog is past what a connection holds free of charge (64 KiB):
            // its socket buffers are full and a blocking send to it waits for room.
            while (Stats.number(stats(), "outbound") == 0) {
                if (sent == 5000) {
                    throw new AssertionError("5000 messages of 4 KB and the paused reader's socket still took them all");
                }
                sent = publish(publisher, reader, sent, filler);
            }
            paused.startReading();
            Await.until("the blocked send counted as slow", Duration.ofSeconds(10),
                    () -> Stats.number(stats(), "directWritesEnded") > ended);
            int blockedAt = sent;
            while (Stats.number(stats(), "directWritesResumed") == resumed) {
                if (sent - blockedAt == 2000) {
                    throw new AssertionError("2000 more messages and direct writes did not come back: " + stats());
                }
                sent = publish(publisher, reader, sent, filler);
            }
            int total = sent;
            List<String> bodies = new ArrayList<>();
            Await.until("the paused reader getting all " + total + " messages", Duration.ofSeconds(20), () -> {
                Object next;
                while ((next = paused.poll(Duration.ZERO)) != null) {
                    Matcher m = BODY.matcher((String) next);
                    while (m.find()) {
                        bodies.add(m.group(1));
                    }
                }
                return bodies.size() >= total;
            });
            for (int i = 0; i < total; i++) {
                assertEquals("pause-" + i, bodies.get(i), "in order, none lost");
            }
            assertEquals(total, bodies.size());
            assertEquals(0, Stats.number(stats(), "closedSlowConsumer"), "nobody was cut");
        } finally {
            paused.close();
        }
    }

    /** Publishes message {@code n}; the reader that keeps up gets it before the next one goes. */
    private static int publish(StompTestClient publisher, StompTestClient reader, int n, String filler) {
        String body = "pause-" + n + "-" + filler;
        publisher.send(StompFrame.of(StompCommand.SEND, "destination", "/topic/pause").withBody(body));
        assertEquals(body, reader.expect(StompCommand.MESSAGE).bodyText());
        return n + 1;
    }
}
