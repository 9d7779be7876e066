package dev.switchboard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.testing.Await;
import dev.switchboard.testing.Deployments;
import dev.switchboard.testing.RawHttp;
import dev.switchboard.testing.TestSocket;
import java.net.URI;
import java.net.URL;
import java.util.ArrayList;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * SockJS session lifetimes with short timings (heart-beats every 300 ms, sessions reclaimed 500 ms
 * after their last receiving request), the origin policy on the HTTP transports, and what
 * thousand clients that vanish leave behind: nothing.
 */
@ExtendWith(ArquillianExtension.class)
class SockJsSessionsIT {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.switchboard("sockjs-sessions", Map.of(
                "switchboard.allowed.origins", "https://app.example",
                "switchboard.sockjs.heartbeat", "300ms",
                "switchboard.sockjs.disconnect.delay", "500ms"));
    }

    @ArquillianResource
    URL base;

    private URI uri() {
        return URI.create(base.toString());
    }

    private String session(String service) {
        return base.getPath() + "sockjs/" + service + "/000/" + UUID.randomUUID();
    }

    private String stats() throws Exception {
        return RawHttp.get(uri(), base.getPath() + "stats").body();
    }

    @Test
    void idleReceiversGetHeartbeats() throws Exception {
        String s = session("echo");
        try (RawHttp stream = RawHttp.send(uri(), "POST", s + "/xhr_streaming", Map.of(), null)) {
            stream.readChunk();
            assertEquals("o\n", stream.readChunk());
            long start = System.nanoTime();
            assertEquals("h\n", stream.readChunk());
            assertEquals("h\n", stream.readChunk());
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(ms >= 450 && ms < 3000, "two heart-beats 300 ms apart took " + ms + " ms");
        }
        // a poll with nothing to say ends with a heart-beat
        String p = session("echo");
        RawHttp.post(uri(), p + "/xhr", null);
        assertEquals("h\n", RawHttp.post(uri(), p + "/xhr", null).body());
        try (TestSocket socket = TestSocket.connect(URI.create("ws://" + base.getHost() + ":" + base.getPort()
                + session("echo") + "/websocket"))) {
            assertEquals("o", socket.nextText());
            assertEquals("h", socket.nextText());
        }
    }

    @Test
    void aSessionNobodyPollsTimesOut() throws Exception {
        String s = session("echo");
        assertEquals("o\n", RawHttp.post(uri(), s + "/xhr", null).body());
        assertEquals(204, RawHttp.post(uri(), s + "/xhr_send", "[\"x\"]").status());
        Await.until("the session gone after the disconnect delay", Duration.ofSeconds(10),
                () -> RawHttp.post(uri(), s + "/xhr_send", "[\"x\"]").status() == 404);
        assertEquals("o\n", RawHttp.post(uri(), s + "/xhr", null).body(), "the id opens a new session");
    }

    @Test
    void aThousandAbandonedSessionsAreReclaimed() throws Exception {
        String before = stats();
        long openBefore = Stats.number(before, "open");
        long openedBefore = Stats.number(before, "opened");
        List<RawHttp> streams = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            RawHttp stream = RawHttp.send(uri(), "POST", session("echo") + "/xhr_streaming", Map.of(), null);
            stream.readChunk();
            assertEquals("o\n", stream.readChunk());
            streams.add(stream);
        }
        for (int i = 0; i < 500; i++) {
            String s = session("stomp");
            assertEquals("o\n", RawHttp.post(uri(), s + "/xhr", null).body());
            RawHttp.post(uri(), s + "/xhr_send", "[\"CONNECT\\naccept-version:1.2\\n\\n\\u0000\"]");
        }
        String during = stats();
        // the streams hold their sessions; unpolled sessions may already be timing out
        assertTrue(Stats.number(during, "httpSessions") >= 500, during);
        assertEquals(openedBefore + 1000, Stats.number(during, "opened"), during);
        for (RawHttp stream : streams) {
            stream.close(); // mid-stream: the client vanishes without a word
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        String after = stats();
        while ((Stats.number(after, "httpSessions") > 0 || Stats.number(after, "open") > openBefore)
                && System.nanoTime() < deadline) {
            Thread.sleep(200);
            after = stats();
        }
        assertEquals(0, Stats.number(after, "httpSessions"), after);
        assertTrue(Stats.number(after, "open") <= openBefore, after); // (another test's session may end meanwhile)
        assertEquals(0, Stats.number(after, "sessions"), "the STOMP sessions ended too: " + after);
    }

    @Test
    void theOriginPolicyAppliesToEveryTransport() throws Exception {
        long refusedBefore = Stats.number(stats(), "refusedOrigin");
        RawHttp.Response refused = RawHttp.exchange(uri(), "POST", session("echo") + "/xhr",
                Map.of("Origin", "https://evil.example"), null);
        assertEquals(403, refused.status());
        assertNull(refused.header("access-control-allow-origin"));
        assertEquals(403, RawHttp.exchange(uri(), "GET", base.getPath() + "sockjs/echo/info",
                Map.of("Origin", "https://evil.example"), null).status());
        assertEquals(403, RawHttp.exchange(uri(), "OPTIONS", session("echo") + "/xhr_send",
                Map.of("Origin", "https://evil.example"), null).status());
        TestSocket.Refused ws = assertThrows(TestSocket.Refused.class, () -> TestSocket.connect(
                URI.create("ws://" + base.getHost() + ":" + base.getPort() + session("echo") + "/websocket"),
                Map.of("Origin", "https://evil.example")));
        assertEquals(403, ws.status);
        assertEquals(refusedBefore + 4, Stats.number(stats(), "refusedOrigin"));

        RawHttp.Response allowed = RawHttp.exchange(uri(), "POST", session("echo") + "/xhr",
                Map.of("Origin", "https://app.example"), null);
        assertEquals(200, allowed.status());
        assertEquals("https://app.example", allowed.header("access-control-allow-origin"));
        assertEquals("o\n", allowed.body());
        RawHttp.Response preflight = RawHttp.exchange(uri(), "OPTIONS", session("echo") + "/xhr_send",
                Map.of("Origin", "https://app.example", "Access-Control-Request-Headers", "X-Evil, Content-Type"), null);
        assertEquals("Content-Type", preflight.header("access-control-allow-headers"),
                "with a listed origin, requested headers are not echoed blindly");
        assertEquals(String.valueOf(24 * 3600), preflight.header("access-control-max-age"), "a day, not a year");
        try (TestSocket socket = TestSocket.connect(URI.create("ws://" + base.getHost() + ":" + base.getPort()
                + session("echo") + "/websocket"), Map.of("Origin", "https://app.example"))) {
            assertEquals("o", socket.nextText());
        }
    }

    @Test
    void aStreamWhoseClientVanishedIsNoticedByTheNextHeartbeat() throws Exception {
        long before = Stats.number(stats(), "interrupted");
        String s = session("echo");
        RawHttp stream = RawHttp.send(uri(), "POST", s + "/xhr_streaming", Map.of(), null);
        stream.readChunk();
        stream.readChunk();
        stream.close();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (Stats.number(stats(), "interrupted") == before && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertEquals(before + 1, Stats.number(stats(), "interrupted"));
    }
}
