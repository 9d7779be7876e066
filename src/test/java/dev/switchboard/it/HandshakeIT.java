package dev.switchboard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.testing.Deployments;
import dev.switchboard.testing.TestSocket;
import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.util.Map;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.OperateOnDeployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The shared handshake: origin policy (same origin by default, an allow-list when configured),
 * subprotocol choice, what is copied into the session, and failures isolated per connection.
 */
@ExtendWith(ArquillianExtension.class)
class HandshakeIT {

    @Deployment(name = "default", testable = false)
    static WebArchive sameOrigin() {
        return Deployments.switchboard("handshake", Map.of()).addClasses(ProbeEndpoint.class, LoginServlet.class);
    }

    @Deployment(name = "listed", testable = false)
    static WebArchive allowList() {
        return Deployments.switchboard("listed", Map.of(
                "switchboard.allowed.origins", "https://app.example.com, https://*.example.org:8443",
                "switchboard.handshake.headers", "user-agent, x-request-id"));
    }

    @ArquillianResource
    @OperateOnDeployment("default")
    URL base;

    @ArquillianResource
    @OperateOnDeployment("listed")
    URL listed;

    private static URI ws(URL base, String path) {
        return URI.create(base.toString().replaceFirst("^http", "ws") + path);
    }

    private String sameOriginOf(URL url) {
        return "http://" + url.getHost() + ":" + url.getPort();
    }

    @Test
    void sameOriginIsAcceptedWith101() throws Exception {
        URI http = base.toURI();
        assertEquals("HTTP/1.1 101 ", Http.upgradeStatusLine(http, "echo", sameOriginOf(base)));
        try (TestSocket socket = TestSocket.connect(ws(base, "echo"), Map.of("Origin", sameOriginOf(base)))) {
            socket.sendText("same origin");
            assertEquals("same origin", socket.nextText());
        }
    }

    /**
     * The refusal comes from Switchboard's own filter, before the container sees the upgrade:
     * Undertow (WildFly) answers a configurator's refusal with 404, so the filter must not leave
     * it to the container. A path with no endpoint shows it: the container alone would say 404.
     */
    @Test
    void foreignOriginIsRefusedBeforeTheContainerLooksForAnEndpoint() throws Exception {
        assertEquals("HTTP/1.1 403 ", Http.upgradeStatusLine(base.toURI(), "no-such-endpoint", "http://evil.example"));
        assertEquals("HTTP/1.1 404 ", Http.upgradeStatusLine(base.toURI(), "no-such-endpoint", null));
    }

    @Test
    void foreignOriginIsRefusedWith403AndNeverReachesTheEndpoint() throws Exception {
        String before = Http.get(URI.create(base + "stats")).body();
        assertEquals("HTTP/1.1 403 ", Http.upgradeStatusLine(base.toURI(), "echo", "http://evil.example"));
        TestSocket.Refused refused = assertThrows(TestSocket.Refused.class,
                () -> TestSocket.connect(ws(base, "echo"), Map.of("Origin", "http://" + base.getHost() + ":1")));
        assertEquals(403, refused.status);
        String after = Http.get(URI.create(base + "stats")).body();
        assertEquals(Stats.number(before, "opened"), Stats.number(after, "opened"), after);
        assertEquals(Stats.number(before, "refusedOrigin") + 2, Stats.number(after, "refusedOrigin"), after);
    }

    /**
     * The container upgrades whenever "websocket" is one of the Upgrade header's tokens; the
     * filter applies the policy to exactly those requests, so another token beside it neither
     * slips past the origin check nor reaches the endpoint unchecked.
     */
    @Test
    void anUpgradeHeaderWithMoreTokensGetsTheSamePolicy() throws Exception {
        String before = Http.get(URI.create(base + "stats")).body();
        assertEquals("HTTP/1.1 403 ", Http.upgradeStatusLine(base.toURI(), "echo", "http://evil.example", "websocket, foo"));
        assertEquals("HTTP/1.1 101 ", Http.upgradeStatusLine(base.toURI(), "echo", sameOriginOf(base), "foo, WebSocket"));
        String after = Http.get(URI.create(base + "stats")).body();
        assertEquals(Stats.number(before, "refusedOrigin") + 1, Stats.number(after, "refusedOrigin"), after);
    }

    @Test
    void requestsWithoutOriginAreAllowed() throws Exception {
        assertEquals("HTTP/1.1 101 ", Http.upgradeStatusLine(base.toURI(), "echo", null));
    }

    @Test
    void allowListTakesExactOriginsAndSubdomainPatterns() throws Exception {
        URI http = listed.toURI();
        assertEquals("HTTP/1.1 101 ", Http.upgradeStatusLine(http, "echo", "https://app.example.com"));
        assertEquals("HTTP/1.1 101 ", Http.upgradeStatusLine(http, "echo", "https://APP.example.com:443"));
        assertEquals("HTTP/1.1 101 ", Http.upgradeStatusLine(http, "echo", "https://chat.eu.example.org:8443"));
        assertEquals("HTTP/1.1 403 ", Http.upgradeStatusLine(http, "echo", "http://app.example.com"));
        assertEquals("HTTP/1.1 403 ", Http.upgradeStatusLine(http, "echo", "https://example.org:8443"));
        assertEquals("HTTP/1.1 403 ", Http.upgradeStatusLine(http, "echo", "https://chat.example.org"));
        assertEquals("HTTP/1.1 403 ", Http.upgradeStatusLine(http, "echo", "https://app.example.com.evil.net"));
        assertEquals("HTTP/1.1 403 ", Http.upgradeStatusLine(http, "echo", "null"));
        // the same origin is no longer enough once a list is configured
        assertEquals("HTTP/1.1 403 ", Http.upgradeStatusLine(http, "echo", sameOriginOf(listed)));
    }

    @Test
    void serverPreferenceOrderPicksTheSubprotocol() throws Exception {
        try (TestSocket socket = TestSocket.connect(ws(base, "probe"), Map.of(), "v10.stomp", "v12.stomp", "v11.stomp")) {
            assertEquals("v12.stomp", socket.subprotocol());
            assertTrue(socket.nextText().contains("\"subprotocol\":\"v12.stomp\""));
        }
        try (TestSocket socket = TestSocket.connect(ws(base, "probe"), Map.of(), "v10.stomp", "mqtt")) {
            assertEquals("v10.stomp", socket.subprotocol());
        }
        try (TestSocket socket = TestSocket.connect(ws(base, "probe"), Map.of(), "mqtt")) {
            assertEquals("", socket.subprotocol());
        }
    }

    @Test
    void handshakeCopiesAddressHeadersAndHttpSessionIntoTheSession() throws Exception {
        var login = Http.get(URI.create(base + "login?nickname=alice"));
        String cookie = login.headers().firstValue("set-cookie").orElseThrow().split(";")[0];
        try (TestSocket socket = TestSocket.connect(ws(base, "probe?room=lobby"),
                Map.of("Cookie", cookie, "X-Request-Id", "req-42", "X-Secret", "not copied"))) {
            String described = socket.nextText();
            assertTrue(described.contains("\"remoteAddress\":\"127.0.0.1\""), described);
            assertTrue(described.contains("\"x-request-id\":[\"req-42\"]"), described);
            assertTrue(described.contains("\"user-agent\":["), described);
            assertTrue(!described.contains("not copied"), described);
            assertTrue(described.contains("\"httpSession\":{\"nickname\":\"alice\"}"), described);
            assertTrue(described.contains("room=lobby"), described);
        }
        try (TestSocket socket = TestSocket.connect(ws(base, "probe"))) {
            assertTrue(socket.nextText().contains("\"httpSession\":{}"));
        }
    }

    @Test
    void handlerExceptionClosesThatConnectionWith1011Only() throws Exception {
        try (TestSocket bystander = TestSocket.connect(ws(base, "probe")); TestSocket socket = TestSocket.connect(ws(base, "probe"))) {
            bystander.nextText();
            socket.nextText();
            String before = Http.get(URI.create(base + "stats")).body();
            socket.sendText("boom");
            TestSocket.Close close = socket.awaitClose(Duration.ofSeconds(10));
            assertEquals(1011, close.code(), close.toString());
            bystander.sendText("unaffected");
            assertEquals("unaffected", bystander.nextText());
            String after = Http.get(URI.create(base + "stats")).body();
            assertEquals(Stats.number(before, "closedHandlerError") + 1, Stats.number(after, "closedHandlerError"));
        }
    }

    /**
     * Same origin means the same scheme, host and port, on a host name that is this server's: a
     * page whose own name resolves here (DNS rebinding: its Origin matches the Host it sends) and
     * a page on https asking an http port are refused, on WebSocket and on SockJS.
     */
    @Test
    void sameOriginComparesTheSchemeAndRefusesAReboundHostName() throws Exception {
        URI http = base.toURI();
        int port = http.getPort();
        assertEquals("HTTP/1.1 101 ", Http.upgradeStatusLine(http, "echo", "http://127.0.0.1:" + port, "websocket",
                "127.0.0.1:" + port));
        assertEquals("HTTP/1.1 403 ", Http.upgradeStatusLine(http, "echo", "http://evil.example:" + port, "websocket",
                "evil.example:" + port), "a rebound name");
        assertEquals("HTTP/1.1 403 ", Http.upgradeStatusLine(http, "echo", "https://127.0.0.1:" + port, "websocket",
                "127.0.0.1:" + port), "another scheme");
        var sockjs = dev.switchboard.testing.RawHttp.exchange(http, "POST", http.getPath() + "sockjs/stomp/000/"
                + java.util.UUID.randomUUID() + "/xhr", Map.of("Origin", "http://evil.example:" + port, "Host",
                "evil.example:" + port), "");
        assertEquals(403, sockjs.status());
    }
}
