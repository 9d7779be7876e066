package dev.switchboard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.testing.Await;
import dev.switchboard.testing.Deployments;
import dev.switchboard.testing.RawHttp;
import dev.switchboard.testing.TestSocket;
import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The SockJS 0.3.3 protocol on the wire, every transport and rule, against the real servlet and
 * endpoints in Tomcat: raw HTTP (so chunks, headers and status lines are seen as a browser sees
 * them) and the JDK's WebSocket client.
 */
@ExtendWith(ArquillianExtension.class)
class SockJsProtocolIT {

    private static final String NOT_CACHED = "no-store, no-cache, no-transform, must-revalidate, max-age=0";

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.switchboard("sockjs-protocol", Map.of("switchboard.allowed.origins", "*",
                "switchboard.sockjs.cors.max.age", "8760h",
                "switchboard.text.message.max", "8KiB", "switchboard.outbound.queue.max", "16KiB"));
    }

    @ArquillianResource
    URL base;

    private URI uri() {
        return URI.create(base.toString());
    }

    private String path(String rest) {
        return base.getPath() + "sockjs/" + rest;
    }

    private String session(String service) {
        return path(service + "/000/" + UUID.randomUUID());
    }

    private RawHttp.Response post(String path, String body) throws Exception {
        return RawHttp.post(uri(), path, body);
    }

    private RawHttp.Response get(String path) throws Exception {
        return RawHttp.get(uri(), path);
    }

    private URI ws(String path) {
        return URI.create("ws://" + base.getHost() + ":" + base.getPort() + path);
    }

    // ---- static URLs ----

    @Test
    void greetingAndUnknownUrls() throws Exception {
        for (String p : List.of(path("echo"), path("echo/"))) {
            RawHttp.Response r = get(p);
            assertEquals(200, r.status());
            assertEquals("text/plain;charset=UTF-8", r.header("content-type"));
            assertEquals("Welcome to SockJS!\n", r.body());
            assertNull(r.header("set-cookie"));
        }
        for (String suffix : List.of("/a", "/a.html", "//", "///", "/a/a", "/a/a/", "/a/")) {
            assertEquals(404, get(path("echo") + suffix).status(), suffix);
        }
        assertEquals(404, get(path("nosuchservice")).status());
        assertEquals(404, get(path("nosuchservice/000/x/xhr")).status());
    }

    @Test
    void infoTellsCapabilitiesAndIsNeverCached() throws Exception {
        RawHttp.Response r = get(path("echo/info"));
        assertEquals(200, r.status());
        assertEquals("application/json;charset=UTF-8", r.header("content-type"));
        assertEquals(NOT_CACHED, r.header("cache-control"));
        assertNull(r.header("expires"));
        assertEquals("*", r.header("access-control-allow-origin"), "no Origin: any, without credentials");
        assertNull(r.header("access-control-allow-credentials"));
        assertTrue(r.body().contains("\"websocket\":true"), r.body());
        assertTrue(r.body().contains("\"cookie_needed\":false"), r.body());
        assertTrue(r.body().contains("\"origins\":[\"*:*\"]"), r.body());
        assertNotEquals(entropy(r.body()), entropy(get(path("echo/info")).body()));
        assertTrue(get(path("disabled_websocket_echo/info")).body().contains("\"websocket\":false"));
        assertTrue(get(path("cookie_needed_echo/info")).body().contains("\"cookie_needed\":true"));
        assertTrue(get(path("stomp/info")).body().contains("\"websocket\":true"));
    }

    private static long entropy(String json) {
        Matcher m = Pattern.compile("\"entropy\":(\\d+)").matcher(json);
        assertTrue(m.find(), json);
        long value = Long.parseLong(m.group(1));
        assertTrue(value >= 0 && value <= 0xffffffffL);
        return value;
    }

    @Test
    void preflightIsCacheableEchoesTheOriginAndAllowsOnlyKnownHeaders() throws Exception {
        for (String p : List.of("echo/info", "echo/abc/abc/xhr", "echo/abc/abc/xhr_send", "echo/abc/abc/xhr_streaming")) {
            RawHttp.Response r = RawHttp.exchange(uri(), "OPTIONS", path(p),
                    Map.of("Origin", "http://app.example", "Access-Control-Request-Headers", "x-a, Content-Type, x-b"), null);
            assertEquals(204, r.status(), p);
            assertTrue(r.header("cache-control").matches("public, max-age=[1-9][0-9]{6,}"), r.header("cache-control"));
            assertNotNull(r.header("expires"));
            assertTrue(Long.parseLong(r.header("access-control-max-age")) > 1_000_000);
            assertEquals(p.endsWith("info") ? "OPTIONS, GET" : "OPTIONS, POST", r.header("access-control-allow-methods"));
            assertEquals("http://app.example", r.header("access-control-allow-origin"));
            assertEquals("true", r.header("access-control-allow-credentials"));
            assertEquals("x-a, Content-Type, x-b", r.header("access-control-allow-headers"),
                    "under allowed.origins=* the protocol's echo (SockJsSessionsIT: a listed origin gets only known ones)");
            assertEquals("", r.body());
        }
        RawHttp.Response nullOrigin = RawHttp.exchange(uri(), "OPTIONS", path("echo/info"), Map.of("Origin", "null"), null);
        assertEquals("null", nullOrigin.header("access-control-allow-origin"), "a sandboxed page's origin, echoed (allowed.origins=*)");
        assertEquals("true", nullOrigin.header("access-control-allow-credentials"));
    }

    @Test
    void iframePageIsCacheableWithAnEtagAndLoadsTheBundledClient() throws Exception {
        RawHttp.Response r = get(path("echo/iframe.html"));
        assertEquals(200, r.status());
        assertEquals("text/html;charset=UTF-8", r.header("content-type"));
        assertTrue(r.header("cache-control").startsWith("public, max-age=31536000"));
        assertNotNull(r.header("expires"));
        assertNull(r.header("last-modified"));
        String etag = r.header("etag");
        assertNotNull(etag);
        assertTrue(r.body().contains("SockJS.bootstrap_iframe()"));
        Matcher src = Pattern.compile("<script src=\"([^\"]+)\"></script>").matcher(r.body());
        assertTrue(src.find(), r.body());
        assertEquals(base.getPath() + "lib/sockjs-client/sockjs.min.js", src.group(1));
        RawHttp.Response client = get(src.group(1));
        assertEquals(200, client.status());
        assertTrue(client.body().contains("SockJS"), "the bundled sockjs-client is served");
        for (String variant : List.of("iframe-a.html", "iframe-.html", "iframe-0.1.2.html", "iframe-0.1.2abc-dirty.2144.html",
                "iframe-a.html?t=1234")) {
            RawHttp.Response v = get(path("echo/" + variant));
            assertEquals(200, v.status(), variant);
            assertEquals(etag, v.header("etag"));
            assertEquals(r.body(), v.body());
        }
        RawHttp.Response notModified = RawHttp.exchange(uri(), "GET", path("echo/iframe.html"), Map.of("If-None-Match", etag), null);
        assertEquals(304, notModified.status());
        assertNull(notModified.header("content-type"));
        for (String bad : List.of("iframe.htm", "iframe", "IFRAME.HTML", "iframe.HTML", "iframe.xml", "iframe-/.html")) {
            assertEquals(404, get(path("echo/" + bad)).status(), bad);
        }
    }

    // ---- xhr polling ----

    @Test
    void xhrPollingOpensSendsAndReceives() throws Exception {
        String s = session("echo");
        RawHttp.Response open = post(s + "/xhr", null);
        assertEquals(200, open.status());
        assertEquals("o\n", open.body());
        assertEquals("application/javascript;charset=UTF-8", open.header("content-type"));
        assertEquals(NOT_CACHED, open.header("cache-control"));
        assertEquals("*", open.header("access-control-allow-origin"));
        RawHttp.Response sent = post(s + "/xhr_send", "[\"x\",\"y\"]");
        assertEquals(204, sent.status());
        assertEquals("", sent.body());
        assertEquals("text/plain;charset=UTF-8", sent.header("content-type"));
        assertEquals(NOT_CACHED, sent.header("cache-control"));
        post(s + "/xhr_send", "[\"z\"]");
        assertEquals("a[\"x\",\"y\",\"z\"]\n", post(s + "/xhr", null).body(), "what waited leaves in one frame");
        // the server id is ignored: the session is the second part
        post(s + "/xhr_send", "[\"w\"]");
        assertEquals("a[\"w\"]\n", post(s.replace("/000/", "/999/") + "/xhr", null).body());
    }

    @Test
    void sendErrors() throws Exception {
        assertEquals(404, post(session("echo") + "/xhr_send", "[\"x\"]").status(), "unknown session");
        String s = session("echo");
        post(s + "/xhr", null);
        RawHttp.Response broken = post(s + "/xhr_send", "[\"x");
        assertEquals(500, broken.status());
        assertTrue(broken.body().contains("Broken JSON encoding."));
        RawHttp.Response notStrings = post(s + "/xhr_send", "[1]");
        assertEquals(500, notStrings.status());
        RawHttp.Response empty = post(s + "/xhr_send", "");
        assertEquals(500, empty.status());
        assertTrue(empty.body().contains("Payload expected."));
        for (String type : List.of("text/plain", "T", "application/json", "application/xml; charset=utf-8")) {
            assertEquals(204, RawHttp.exchange(uri(), "POST", s + "/xhr_send", Map.of("Content-Type", type), "[\"a\"]").status());
        }
        assertEquals("a[\"a\",\"a\",\"a\",\"a\"]\n", post(s + "/xhr", null).body(), "the session survived the bad sends");
        for (String bad : List.of("//xhr", "/a./a/xhr", "/a/a./xhr", "/./././xhr")) {
            assertEquals(404, post(path("echo") + bad, null).status(), bad);
        }
    }

    @Test
    void aSecondReceivingRequestGetsAnotherConnectionStillOpen() throws Exception {
        String s = session("echo");
        post(s + "/xhr", null);
        long receiving = receiving();
        try (RawHttp held = RawHttp.send(uri(), "POST", s + "/xhr", Map.of(), null)) {
            awaitReceiving(receiving + 1); // the held poll is attached first
            assertEquals("c[2010,\"Another connection still open\"]\n", post(s + "/xhr", null).body());
            post(s + "/xhr_send", "[\"to the held poll\"]");
            String body = held.readBody().body();
            assertEquals("a[\"to the held poll\"]\n", body.strip() + "\n", "the held poll still works (an empty line may lead)");
        }
    }

    @Test
    void aPollWhoseClientWentAwayDoesNotBlockTheSession() throws Exception {
        String s = session("echo");
        post(s + "/xhr", null);
        long receiving = receiving();
        RawHttp held = RawHttp.send(uri(), "POST", s + "/xhr", Map.of(), null);
        awaitReceiving(receiving + 1); // the poll is attached
        held.close(); // the client gives up on its poll; the server cannot see that until it writes
        String next = post(s + "/xhr", null).body();
        assertTrue(next.equals("o\n") || next.equals("c[1002,\"Connection interrupted\"]\n"), next);
    }

    /** How many SockJS sessions have a receiving request attached now (from /stats). */
    private long receiving() throws Exception {
        return Stats.number(get(base.getPath() + "stats").body(), "receiving");
    }

    private void awaitReceiving(long count) {
        Await.until("a receiving request attached", Duration.ofSeconds(10), () -> receiving() >= count);
    }

    // ---- streaming ----

    @Test
    void xhrStreamingSendsAPreludeThenOneFramePerChunkAndEndsAtTheLimit() throws Exception {
        String s = session("echo");
        try (RawHttp stream = RawHttp.send(uri(), "POST", s + "/xhr_streaming", Map.of(), null)) {
            assertEquals(200, stream.head().status());
            assertEquals("application/javascript;charset=UTF-8", stream.head().header("content-type"));
            assertEquals(NOT_CACHED, stream.head().header("cache-control"));
            assertEquals("h".repeat(2048) + "\n", stream.readChunk());
            assertEquals("o\n", stream.readChunk());
            String msg = "x".repeat(128);
            // 'o\n' plus 134-byte frames: the 31st passes 4096 bytes and the response ends after it
            for (int i = 0; i < 31; i++) {
                assertEquals(204, post(s + "/xhr_send", "[\"" + msg + "\"]").status());
                assertEquals("a[\"" + msg + "\"]\n", stream.readChunk(), "frame " + i);
            }
            assertEquals("", stream.readChunk());
        }
        // the session lives on: the next stream continues it
        post(s + "/xhr_send", "[\"later\"]");
        try (RawHttp stream = RawHttp.send(uri(), "POST", s + "/xhr_streaming", Map.of(), null)) {
            stream.readChunk();
            assertEquals("a[\"later\"]\n", stream.readChunk());
        }
    }

    @Test
    void eventSourceFramesAndEscapes() throws Exception {
        String s = session("echo");
        try (RawHttp stream = RawHttp.send(uri(), "GET", s + "/eventsource", Map.of(), null)) {
            assertEquals("text/event-stream", stream.head().header("content-type"));
            assertEquals(NOT_CACHED, stream.head().header("cache-control"));
            assertEquals("\r\n", stream.readChunk());
            assertEquals("data: o\r\n\r\n", stream.readChunk());
            post(s + "/xhr_send", "[\"  \\u0000\\n\\r \"]");
            assertEquals("data: a[\"  \\u0000\\n\\r \"]\r\n\r\n", stream.readChunk());
        }
    }

    @Test
    void eventSourceAndHtmlFileStreamsEndAtTheLimitToo() throws Exception {
        String big = "x".repeat(4096);
        for (String transport : List.of("eventsource", "htmlfile?c=cb")) {
            String s = session("echo");
            try (RawHttp stream = RawHttp.send(uri(), "GET", s + "/" + transport, Map.of(), null)) {
                stream.readChunk();
                stream.readChunk();
                assertEquals(204, post(s + "/xhr_send", "[\"" + big + "\"]").status());
                assertTrue(stream.readChunk().contains(big), transport);
                assertEquals("", stream.readChunk(), transport + " ends after 4096 bytes");
            }
        }
    }

    @Test
    void htmlFileNeedsAValidCallback() throws Exception {
        String s = session("echo");
        try (RawHttp stream = RawHttp.send(uri(), "GET", s + "/htmlfile?c=%63allback", Map.of(), null)) {
            assertEquals("text/html;charset=UTF-8", stream.head().header("content-type"));
            String head = stream.readChunk();
            assertTrue(head.length() > 1024);
            assertTrue(head.contains("var c = parent.callback;"), head);
            assertEquals("<script>\np(\"o\");\n</script>\r\n", stream.readChunk());
            post(s + "/xhr_send", "[\"x\"]");
            assertEquals("<script>\np(\"a[\\\"x\\\"]\");\n</script>\r\n", stream.readChunk());
        }
        RawHttp.Response none = get(session("echo") + "/htmlfile");
        assertEquals(500, none.status());
        assertTrue(none.body().contains("\"callback\" parameter required"));
        RawHttp.Response evil = get(session("echo") + "/htmlfile?c=alert(1)//");
        assertEquals(500, evil.status());
        assertTrue(evil.body().contains("invalid \"callback\" parameter"));
    }

    @Test
    void jsonpPollingAndSend() throws Exception {
        String s = session("echo");
        RawHttp.Response open = get(s + "/jsonp?c=cb.x_1");
        assertEquals("application/javascript;charset=UTF-8", open.header("content-type"));
        assertEquals(NOT_CACHED, open.header("cache-control"));
        assertEquals("/**/cb.x_1(\"o\");\r\n", open.body(), "the /**/ prefix against Rosetta Flash");
        RawHttp.Response form = RawHttp.exchange(uri(), "POST", s + "/jsonp_send",
                Map.of("Content-Type", "application/x-www-form-urlencoded"), "d=%5B%22abc%22%5D");
        assertEquals(200, form.status());
        assertEquals("ok", form.body());
        assertEquals("text/plain;charset=UTF-8", form.header("content-type"));
        RawHttp.Response plain = RawHttp.exchange(uri(), "POST", s + "/jsonp_send", Map.of("Content-Type", "text/plain"),
                "[\"%61bc\"]");
        assertEquals("ok", plain.body());
        assertEquals("/**/x(\"a[\\\"abc\\\",\\\"%61bc\\\"]\");\r\n", get(s + "/jsonp?c=x").body());
        for (String data : List.of("", "d=", "p=p")) {
            RawHttp.Response r = RawHttp.exchange(uri(), "POST", s + "/jsonp_send",
                    Map.of("Content-Type", "application/x-www-form-urlencoded"), data);
            assertEquals(500, r.status());
            assertTrue(r.body().contains("Payload expected."));
        }
        assertEquals(500, get(session("echo") + "/jsonp").status());
        assertEquals(500, get(session("echo") + "/jsonp?c=%3Cscript%3E").status());
    }

    // ---- closing and cookies ----

    @Test
    void theCloseServiceSendsGoAwayUntilTheSessionTimesOut() throws Exception {
        String s = session("close");
        assertEquals("o\n", post(s + "/xhr", null).body());
        assertEquals("c[3000,\"Go away!\"]\n", post(s + "/xhr", null).body());
        assertEquals("c[3000,\"Go away!\"]\n", post(s + "/xhr", null).body());
        try (RawHttp stream = RawHttp.send(uri(), "POST", session("close") + "/xhr_streaming", Map.of(), null)) {
            stream.readChunk();
            assertEquals("o\n", stream.readChunk());
            assertEquals("c[3000,\"Go away!\"]\n", stream.readChunk());
            assertEquals("", stream.readChunk(), "the stream ends after the close frame");
        }
    }

    @Test
    void cookieNeededServicesSetJsessionid() throws Exception {
        RawHttp.Response fresh = post(session("cookie_needed_echo") + "/xhr", null);
        assertEquals("JSESSIONID=dummy; path=/", fresh.header("set-cookie"));
        RawHttp.Response echoed = RawHttp.exchange(uri(), "POST", session("cookie_needed_echo") + "/xhr",
                Map.of("Cookie", "JSESSIONID=abcdef"), null);
        assertEquals("JSESSIONID=abcdef; path=/", echoed.header("set-cookie"));
        assertNull(post(session("echo") + "/xhr", null).header("set-cookie"));
        assertNull(get(path("cookie_needed_echo/info")).header("set-cookie"));
    }

    // ---- websocket ----

    @Test
    void websocketTransport() throws Exception {
        try (TestSocket socket = TestSocket.connect(ws(session("echo") + "/websocket"))) {
            assertEquals("o", socket.nextText());
            socket.sendText("");
            socket.sendText("[\"a\",\"b\"]");
            // one frame each, or both in one when the second was queued behind the first's write
            String echoed = socket.nextText();
            if (!echoed.equals("a[\"a\",\"b\"]")) {
                assertEquals("a[\"a\"]", echoed);
                assertEquals("a[\"b\"]", socket.nextText());
            }
            socket.sendText("\"single\"");
            assertEquals("a[\"single\"]", socket.nextText());
            socket.sendText("[\"\\u2028 \uffff \\\" \\\\\"]");
            assertEquals("a[\"\\u2028 \\uffff \\\" \\\\\"]", socket.nextText());
            socket.sendText("[\"a");
            TestSocket.Close close = socket.awaitClose(Duration.ofSeconds(5));
            assertEquals(1002, close.code(), "broken JSON ends the connection: " + close);
        }
        try (TestSocket closed = TestSocket.connect(ws(session("close") + "/websocket"))) {
            assertEquals("o", closed.nextText());
            assertEquals("c[3000,\"Go away!\"]", closed.nextText());
            assertEquals(3000, closed.awaitClose(Duration.ofSeconds(5)).code());
        }
    }

    @Test
    void rawWebsocketCarriesPlainMessages() throws Exception {
        try (TestSocket socket = TestSocket.connect(ws(path("echo/websocket")))) {
            socket.sendText("Hello world!\uffff");
            assertEquals("Hello world!\uffff", socket.nextText());
        }
        try (TestSocket closed = TestSocket.connect(ws(path("close/websocket")))) {
            assertEquals(3000, closed.awaitClose(Duration.ofSeconds(5)).code());
        }
    }

    @Test
    void websocketUrlsWithoutAnUpgradeAndDisabledWebsocket() throws Exception {
        RawHttp.Response plain = get(session("echo") + "/websocket");
        assertEquals(400, plain.status());
        assertTrue(plain.body().contains("Can \"Upgrade\" only to \"WebSocket\"."));
        RawHttp.Response badConnection = RawHttp.exchange(uri(), "GET", session("echo") + "/websocket",
                Map.of("Upgrade", "WebSocket", "Connection", "close"), null);
        assertEquals(400, badConnection.status());
        RawHttp.Response post = post(session("echo") + "/websocket", null);
        assertEquals(405, post.status());
        assertEquals("GET", post.header("allow"));
        assertNull(post.header("content-type"));
        assertEquals(404, get(session("disabled_websocket_echo") + "/websocket").status());
        TestSocket.Refused refused = org.junit.jupiter.api.Assertions.assertThrows(TestSocket.Refused.class,
                () -> TestSocket.connect(ws(session("disabled_websocket_echo") + "/websocket")));
        assertEquals(404, refused.status);
        assertEquals("o\n", post(session("disabled_websocket_echo") + "/xhr", null).body(), "its other transports work");
    }

    @Test
    void hybi07And08HandshakesAreAccepted() throws Exception {
        for (String version : List.of("7", "8", "13")) {
            try (RawHttp upgrade = RawHttp.send(uri(), "GET", session("echo") + "/websocket", Map.of(
                    "Upgrade", "websocket", "Connection", "keep-alive, Upgrade", "Sec-WebSocket-Version", version,
                    "Sec-WebSocket-Key", "x3JJHMbDL1EzLkh9GBhXDw=="), null)) {
                assertEquals(101, upgrade.head().status(), "version " + version);
                assertEquals("HSmrc0sMlYUkAGmm5OPpG2HaGWk=", upgrade.head().header("sec-websocket-accept"));
            }
        }
    }

    @Test
    void hixie76HandshakeAndFrames() throws Exception {
        // the example handshake of draft-hixie-thewebsocketprotocol-76 itself
        String path = session("echo") + "/websocket";
        long sockets = Stats.number(get(base.getPath() + "stats").body(), "websocketSessions");
        try (RawHttp upgrade = RawHttp.send(uri(), "GET", path, Map.of("Upgrade", "WebSocket", "Connection", "Upgrade",
                "Origin", "http://example.com", "Sec-WebSocket-Key1", "4 @1  46546xW%0l 1 5",
                "Sec-WebSocket-Key2", "12998 5 Y3 1  .P00"), null)) {
            // the head comes before the client's nonce (proxies such as HAProxy wait for it)
            assertEquals(101, upgrade.head().status());
            assertEquals("websocket", upgrade.head().header("upgrade").toLowerCase());
            assertEquals("upgrade", upgrade.head().header("connection").toLowerCase());
            assertEquals("http://example.com", upgrade.head().header("sec-websocket-origin"));
            assertEquals("ws://" + base.getHost() + ":" + base.getPort() + path, upgrade.head().header("sec-websocket-location"));
            assertNull(upgrade.head().header("content-length"));
            upgrade.write("^n:ds[4U".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            assertEquals("8jKS'y:G*Co,Wxa-", new String(upgrade.readBytes(16), java.nio.charset.StandardCharsets.US_ASCII));
            assertEquals("\u0000o\u00ff", new String(upgrade.readBytes(3), java.nio.charset.StandardCharsets.ISO_8859_1));
            assertEquals(sockets + 1, Stats.number(get(base.getPath() + "stats").body(), "websocketSessions"));
            upgrade.write(hixieFrame("[\"h\u00e9\"]"));
            byte[] echo = hixieFrame("a[\"h\u00e9\"]");
            assertEquals(new String(echo, java.nio.charset.StandardCharsets.ISO_8859_1),
                    new String(upgrade.readBytes(echo.length), java.nio.charset.StandardCharsets.ISO_8859_1));
            upgrade.write(new byte[] {(byte) 0xff, 0x00});
            byte[] close = hixieFrame("c[1000,\"\"]");
            assertEquals(new String(close, java.nio.charset.StandardCharsets.ISO_8859_1),
                    new String(upgrade.readBytes(close.length), java.nio.charset.StandardCharsets.ISO_8859_1));
            assertEquals("\u00ff\u0000", new String(upgrade.readBytes(2), java.nio.charset.StandardCharsets.ISO_8859_1));
        }
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(5);
        while (Stats.number(get(base.getPath() + "stats").body(), "websocketSessions") > sockets
                && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertEquals(sockets, Stats.number(get(base.getPath() + "stats").body(), "websocketSessions"), "the session ended");
    }

    private static byte[] hixieFrame(String text) {
        byte[] utf8 = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] frame = new byte[utf8.length + 2];
        System.arraycopy(utf8, 0, frame, 1, utf8.length);
        frame[frame.length - 1] = (byte) 0xff;
        return frame;
    }

    // ---- JSON escaping ----

    @Test
    void theServerEscapesWhatBrowsersWouldMangle() throws Exception {
        StringBuilder raw = new StringBuilder();
        StringBuilder escaped = new StringBuilder();
        for (int c = 0; c < 0x10000; c++) {
            boolean special = c < 0x20 || c >= 0x200c && c <= 0x200f || c >= 0x2028 && c <= 0x202f
                    || c >= 0x2060 && c <= 0x206f || c >= 0xfff0;
            if (special && c >= 0x20) {
                raw.append((char) c);
                escaped.append(String.format("\\u%04x", c));
            }
        }
        String s = session("echo");
        post(s + "/xhr", null);
        StringBuilder payload = new StringBuilder("[\"");
        for (int i = 0; i < raw.length(); i++) {
            payload.append(String.format("\\u%04x", (int) raw.charAt(i)));
        }
        assertEquals(204, post(s + "/xhr_send", payload.append("\"]").toString()).status());
        assertEquals("a[\"" + escaped + "\"]\n", post(s + "/xhr", null).body());
    }

    // ---- limits ----

    @Test
    void aMessageOverTheSizeLimitClosesTheSessionWith1009() throws Exception {
        String s = session("echo");
        post(s + "/xhr", null);
        RawHttp.Response tooBig = post(s + "/xhr_send", "[\"" + "x".repeat(9000) + "\"]");
        assertEquals(413, tooBig.status());
        assertTrue(post(s + "/xhr", null).body().startsWith("c[1009,"));
        assertEquals(404, post(s + "/xhr_send", "[\"x\"]").status(), "a closed session takes no more");
    }

    @Test
    void aSessionNobodyPollsIsCutOffAtTheOutboundLimit() throws Exception {
        long before = Stats.number(get(base.getPath() + "stats").body(), "closedSlowConsumer");
        String s = session("echo");
        post(s + "/xhr", null);
        String message = "[\"" + "m".repeat(1000) + "\"]";
        int sent = 0;
        while (sent < 100 && post(s + "/xhr_send", message).status() == 204) {
            sent++;
        }
        assertTrue(sent >= 16 && sent < 20, "16 KiB of 1000-character messages waited, then the session was cut: " + sent);
        assertTrue(post(s + "/xhr", null).body().startsWith("c[1008,\"slow consumer"));
        assertEquals(before + 1, Stats.number(get(base.getPath() + "stats").body(), "closedSlowConsumer"));
    }

    // ---- STOMP over SockJS ----

    /** A STOMP frame as a SockJS message: a JSON string with the NUL escaped. */
    private static String stompMessage(String frame) {
        return "[\"" + frame.replace("\n", "\\n").replace("\0", "\\u0000") + "\"]";
    }

    @Test
    void stompOverXhrStreaming() throws Exception {
        String s = session("stomp");
        try (RawHttp stream = RawHttp.send(uri(), "POST", s + "/xhr_streaming", Map.of(), null)) {
            stream.readChunk();
            assertEquals("o\n", stream.readChunk());
            post(s + "/xhr_send", stompMessage("CONNECT\naccept-version:1.2\nheart-beat:0,0\n\n\0"));
            String connected = stream.readChunk();
            assertTrue(connected.startsWith("a[\"CONNECTED\\nversion:1.2\\n"), connected);
            post(s + "/xhr_send", stompMessage("SUBSCRIBE\nid:0\ndestination:/topic/sockjs\nreceipt:r1\n\n\0"));
            assertEquals("a[\"RECEIPT\\nreceipt-id:r1\\n\\n\\u0000\"]\n", stream.readChunk());
            post(s + "/xhr_send", stompMessage("SEND\ndestination:/topic/sockjs\n\nhello \u00e9\0"));
            String message = stream.readChunk();
            assertTrue(message.startsWith("a[\"MESSAGE\\n"), message);
            assertTrue(message.contains("destination:/topic/sockjs"), message);
            assertTrue(message.endsWith("\\n\\nhello \u00e9\\u0000\"]\n"), message);
            post(s + "/xhr_send", stompMessage("SEND\ndestination:/app/echo\ncontent-type:text/plain\n\nping\0"));
            // the echo handler answers on /topic/messages, to which this session did not subscribe
            post(s + "/xhr_send", stompMessage("DISCONNECT\nreceipt:bye\n\n\0"));
            assertEquals("a[\"RECEIPT\\nreceipt-id:bye\\n\\n\\u0000\"]\n", stream.readChunk());
            assertEquals("c[1000,\"\"]\n", stream.readChunk().replaceAll("c\\[1000,\"[^\"]*\"]", "c[1000,\"\"]"));
        }
    }

    @Test
    void stompOverTheSockJsWebsocketAndRawWebsocket() throws Exception {
        try (TestSocket socket = TestSocket.connect(ws(session("stomp") + "/websocket"));
             TestSocket raw = TestSocket.connect(ws(path("stomp/websocket")))) {
            assertEquals("o", socket.nextText());
            socket.sendText(stompMessage("CONNECT\naccept-version:1.2\nheart-beat:0,0\n\n\0"));
            assertTrue(socket.nextText().startsWith("a[\"CONNECTED\\n"));
            socket.sendText(stompMessage("SUBSCRIBE\nid:0\ndestination:/topic/both\nreceipt:r\n\n\0"));
            assertTrue(socket.nextText().contains("RECEIPT"));
            raw.sendText("CONNECT\naccept-version:1.2\nheart-beat:0,0\n\n\0");
            assertTrue(raw.nextText().startsWith("CONNECTED\n"));
            for (int i = 0; i < 20; i++) {
                raw.sendText("SEND\ndestination:/topic/both\n\nm" + i + "\0");
            }
            StringBuilder all = new StringBuilder();
            int frames = 0;
            while (frames < 20) {
                String text = socket.nextText();
                assertTrue(text.startsWith("a[\"MESSAGE"), text);
                frames += text.split("\"MESSAGE", -1).length - 1;
                all.append(text);
            }
            for (int i = 0; i < 20; i++) {
                assertTrue(all.indexOf("\\n\\nm" + i + "\\u0000") >= 0, "m" + i + " in " + all);
            }
        }
    }

    @Test
    void unknownTransportsAndWrongMethods() throws Exception {
        assertEquals(404, post(session("echo") + "/nonsense", null).status());
        RawHttp.Response getXhr = get(session("echo") + "/xhr");
        assertEquals(405, getXhr.status());
        assertFalse(getXhr.header("allow").isEmpty());
        assertEquals(405, post(session("echo") + "/eventsource", null).status());
    }
}
