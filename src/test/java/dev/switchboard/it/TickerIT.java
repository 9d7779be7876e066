package dev.switchboard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.net.URI;
import java.net.URL;
import java.util.concurrent.TimeUnit;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.importer.ZipImporter;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The example application {@code examples/ticker}, as its own Maven build made it against the
 * installed library (the invoker runs that build before the integration tests), deployed
 * unchanged and driven with {@code @stomp/stompjs}: scanned handlers, a JSON payload class,
 * {@code @SendTo}, {@code @SendToUser}, {@code @SubscribeMapping}, an exception handler, the
 * scheduled push, a handshake interceptor, an inbound interceptor and a session listener. The
 * script is {@code src/test/node/ticker-e2e.mjs}.
 */
@ExtendWith(ArquillianExtension.class)
class TickerIT {

    static final File WAR = new File("target/examples/ticker/target/ticker.war");

    @Deployment(testable = false)
    static WebArchive deployment() {
        System.setProperty("ticker.interval.ms", "200"); // the feed reads it when the application starts
        return ShrinkWrap.create(ZipImporter.class, "ticker.war").importFrom(WAR).as(WebArchive.class);
    }

    @ArquillianResource
    URL base;

    @Test
    void theExampleApplicationWorksThroughStompJs() throws Exception {
        String url = base.toString().replaceFirst("^http", "ws") + "stomp";
        NodeScript.run("ticker-e2e.mjs", url);
    }

    @Test
    void theApplicationServesItsPageAndOnlyTheEndpointsItAskedFor() throws Exception {
        var page = Http.get(URI.create(base + ""));
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("<title>Ticker</title>"), page.body());
        assertEquals(200, Http.get(URI.create(base + "lib/stomp.umd.min.js")).statusCode());
        assertEquals(200, Http.get(URI.create(base + "sockjs/stomp/info")).statusCode());
        assertEquals(404, Http.get(URI.create(base + "chat.js")).statusCode(), "none of the demo's files");
        for (String demoOnly : new String[] {"echo", "chat/lobby"}) {
            var refused = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try {
                    java.net.http.HttpClient.newHttpClient().newWebSocketBuilder()
                            .buildAsync(URI.create(base.toString().replaceFirst("^http", "ws") + demoOnly),
                                    new java.net.http.WebSocket.Listener() { })
                            .get(10, TimeUnit.SECONDS).abort();
                    return 101;
                } catch (java.util.concurrent.ExecutionException e) {
                    return e.getCause() instanceof java.net.http.WebSocketHandshakeException h
                            ? h.getResponse().statusCode() : -1;
                } catch (Exception e) {
                    return -2;
                }
            }).get(20, TimeUnit.SECONDS);
            assertEquals(404, refused, "/" + demoOnly + " is the demo's, not the ticker's");
        }
        String stats = Http.get(URI.create(base + "stats")).body();
        assertTrue(stats.contains("\"app\""), stats);
    }

    /**
     * The same handshake interceptor on SockJS's HTTP transports: the first request of a session
     * names the trader (its fills say so) or is refused with the interceptor's status.
     */
    @Test
    void theHandshakeInterceptorRunsOnSockJsTooAtTheSessionsFirstRequest() throws Exception {
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        String session = base + "sockjs/stomp/000/" + java.util.UUID.randomUUID() + "/";
        assertEquals("o\n", post(http, session + "xhr?trader=bob", "").body());
        post(http, session + "xhr_send", frames("CONNECT\naccept-version:1.2\nheart-beat:0,0\n\n\0"));
        assertTrue(post(http, session + "xhr", "").body().startsWith("a[\"CONNECTED"));
        post(http, session + "xhr_send", frames("SUBSCRIBE\nid:0\ndestination:/topic/fills\nreceipt:r\n\n\0",
                "SEND\ndestination:/app/orders\ncontent-type:application/json\n\n{\"symbol\":\"ACME\",\"quantity\":3}\0"));
        StringBuilder seen = new StringBuilder();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!seen.toString().contains("MESSAGE") && System.nanoTime() < deadline) {
            seen.append(post(http, session + "xhr", "").body());
        }
        assertTrue(seen.toString().contains("\\\"trader\\\":\\\"bob\\\""), seen.toString());

        var refused = post(http, base + "sockjs/stomp/000/" + java.util.UUID.randomUUID() + "/xhr?trader=%3Cb%3E", "");
        assertEquals(400, refused.statusCode(), refused.body());
    }

    private static java.net.http.HttpResponse<String> post(java.net.http.HttpClient http, String url, String body)
            throws Exception {
        return http.send(java.net.http.HttpRequest.newBuilder(URI.create(url))
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
    }

    /** SockJS's xhr_send body: a JSON array of strings. */
    private static String frames(String... frames) {
        StringBuilder out = new StringBuilder("[");
        for (String f : frames) {
            out.append(out.length() > 1 ? "," : "").append('"').append(f.replace("\\", "\\\\").replace("\"", "\\\"")
                    .replace("\n", "\\n").replace("\0", "\\u0000")).append('"');
        }
        return out.append(']').toString();
    }
}
