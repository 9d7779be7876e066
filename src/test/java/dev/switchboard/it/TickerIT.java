package dev.switchboard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
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
        Process node = new ProcessBuilder("node", "ticker-e2e.mjs", url)
                .directory(new File("src/test/node"))
                .redirectErrorStream(true)
                .start();
        assertTrue(node.waitFor(60, TimeUnit.SECONDS), "ticker run did not end within 60 s");
        String output = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, node.exitValue(), output);
        assertTrue(output.contains("ALL PASSED") && !output.contains("FAIL"), output);
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
}
