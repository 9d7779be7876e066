package dev.switchboard.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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
import java.nio.charset.StandardCharsets;
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
 * The SockJS project's protocol suite at its current {@code main} ({@code sockjs-protocol.py},
 * repository sockjs/sockjs-protocol), ported test for test: one method per suite test, named
 * {@code SuiteClass_test}, keeping its assertions. Switchboard's own code; the suite's is Python 2.
 * It runs as the suite asks: its services on, {@code allowed.origins=*} (it sends the Origins
 * {@code test} and {@code null}) and preflights cached for more than 1,000,000 s.
 */
@ExtendWith(ArquillianExtension.class)
class SockJsSuiteIT {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.switchboard("suite", Map.of("switchboard.allowed.origins", "*",
                "switchboard.sockjs.cors.max.age", "8760h"));
    }

    @ArquillianResource
    URL base;

    private static final String NOT_CACHED = "no-store, no-cache, no-transform, must-revalidate, max-age=0";

    private URI uri() {
        return URI.create(base.toString());
    }

    private String url(String service) {
        return base.getPath() + "sockjs/" + service;
    }

    private String echo() {
        return url("echo");
    }

    private String fresh(String service) {
        return url(service) + "/000/" + UUID.randomUUID();
    }

    private RawHttp.Response get(String path, String... headers) throws Exception {
        return RawHttp.exchange(uri(), "GET", path, map(headers), null);
    }

    private RawHttp.Response post(String path, String body, String... headers) throws Exception {
        return RawHttp.exchange(uri(), "POST", path, map(headers), body == null ? "" : body);
    }

    private RawHttp.Response options(String path, String... headers) throws Exception {
        return RawHttp.exchange(uri(), "OPTIONS", path, map(headers), null);
    }

    private RawHttp postAsync(String path, String... headers) throws Exception {
        return RawHttp.send(uri(), "POST", path, map(headers), "");
    }

    private RawHttp getAsync(String path) throws Exception {
        return RawHttp.send(uri(), "GET", path, Map.of(), null);
    }

    private static Map<String, String> map(String... kv) {
        java.util.LinkedHashMap<String, String> m = new java.util.LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    private URI ws(String path) {
        return URI.create("ws://" + base.getHost() + ":" + base.getPort() + path);
    }

    // ---- the suite's helpers ----

    private static void verify404(RawHttp.Response r) {
        assertEquals(404, r.status());
    }

    private static void verify405(RawHttp.Response r) {
        assertEquals(405, r.status());
        assertNull(r.header("content-type"));
        assertNotNull(r.header("allow"));
        assertEquals("", r.body());
    }

    private static void verifyContentType(RawHttp.Response r, String type) {
        assertEquals(type, r.header("content-type").replace(" ", ""));
    }

    private void verifyOptions(String path, String allowedMethods) throws Exception {
        for (String origin : List.of("test", "null")) {
            RawHttp.Response r = options(path, "Access-Control-Request-Method", allowedMethods, "Origin", origin);
            assertTrue(r.status() == 204 || r.status() == 200, String.valueOf(r.status()));
            assertTrue(r.header("cache-control").contains("public"));
            assertTrue(Pattern.compile("max-age=[1-9][0-9]{6}").matcher(r.header("cache-control")).find(),
                    "max-age must be large: " + r.header("cache-control"));
            assertNotNull(r.header("expires"));
            assertTrue(Long.parseLong(r.header("access-control-max-age")) > 1_000_000);
            for (String method : allowedMethods.split(",")) {
                assertTrue(r.header("access-control-allow-methods").contains(method.strip()), method);
            }
            assertEquals("", r.body());
            verifyCors(r, origin);
        }
    }

    private static void verifyNoCookie(RawHttp.Response r) {
        assertNull(r.header("set-cookie"));
    }

    private static void verifyCors(RawHttp.Response r, String origin) {
        if (origin != null) {
            assertEquals(origin, r.header("access-control-allow-origin"));
            assertEquals("true", r.header("access-control-allow-credentials"));
        } else {
            assertEquals("*", r.header("access-control-allow-origin"));
            assertNull(r.header("access-control-allow-credentials"));
        }
    }

    private static void verifyNotCached(RawHttp.Response r) {
        assertEquals(NOT_CACHED, r.header("cache-control"));
        assertNull(r.header("expires"));
        assertNull(r.header("last-modified"));
    }

    // ---- BaseUrlGreeting ----

    @Test
    void BaseUrlGreeting_test_greeting() throws Exception {
        for (String u : List.of(echo(), echo() + "/")) {
            RawHttp.Response r = get(u);
            assertEquals(200, r.status());
            verifyContentType(r, "text/plain;charset=UTF-8");
            assertEquals("Welcome to SockJS!\n", r.body());
            verifyNoCookie(r);
        }
    }

    @Test
    void BaseUrlGreeting_test_notFound() throws Exception {
        for (String suffix : List.of("/a", "/a.html", "//", "///", "/a/a", "/a/a/", "/a", "/a/")) {
            verify404(get(echo() + suffix));
        }
    }

    // ---- IframePage ----

    private static final Pattern IFRAME = Pattern.compile("""
            ^<!DOCTYPE html>
            <html>
            <head>
              <meta http-equiv="X-UA-Compatible" content="IE=edge" />
              <meta http-equiv="Content-Type" content="text/html; charset=UTF-8" />
              <script src="(?<sockjsurl>[^"]*)"></script>
              <script>
                document.domain = document.domain;
                SockJS.bootstrap_iframe\\(\\);
              </script>
            </head>
            <body>
              <h2>Don't panic!</h2>
              <p>This is a SockJS hidden iframe. It's used for cross domain magic.</p>
            </body>
            </html>$""".strip());

    private RawHttp.Response verifyIframe(String path) throws Exception {
        RawHttp.Response r = get(path);
        assertEquals(200, r.status(), path);
        verifyContentType(r, "text/html;charset=UTF-8");
        assertTrue(r.header("cache-control").contains("public"));
        assertTrue(Pattern.compile("max-age=[1-9][0-9]{6}").matcher(r.header("cache-control")).find());
        assertNotNull(r.header("expires"));
        assertNotNull(r.header("etag"));
        assertNull(r.header("last-modified"));
        Matcher m = IFRAME.matcher(r.body().strip());
        assertTrue(m.matches(), r.body());
        String sockjsUrl = m.group("sockjsurl");
        assertTrue(sockjsUrl.startsWith("/") || sockjsUrl.startsWith("http"), sockjsUrl);
        verifyNoCookie(r);
        return r;
    }

    @Test
    void IframePage_test_simpleUrl() throws Exception {
        verifyIframe(echo() + "/iframe.html");
    }

    @Test
    void IframePage_test_versionedUrl() throws Exception {
        for (String suffix : List.of("/iframe-a.html", "/iframe-.html", "/iframe-0.1.2.html",
                "/iframe-0.1.2abc-dirty.2144.html")) {
            verifyIframe(echo() + suffix);
        }
    }

    @Test
    void IframePage_test_queriedUrl() throws Exception {
        for (String suffix : List.of("/iframe-a.html?t=1234", "/iframe-0.1.2.html?t=123414",
                "/iframe-0.1.2abc-dirty.2144.html?t=qweqweq123")) {
            verifyIframe(echo() + suffix);
        }
    }

    @Test
    void IframePage_test_invalidUrl() throws Exception {
        for (String suffix : List.of("/iframe.htm", "/iframe", "/IFRAME.HTML", "/IFRAME", "/iframe.HTML", "/iframe.xml",
                "/iframe-/.html")) {
            verify404(get(echo() + suffix));
        }
    }

    @Test
    void IframePage_test_cacheability() throws Exception {
        RawHttp.Response r1 = get(echo() + "/iframe.html");
        RawHttp.Response r2 = get(echo() + "/iframe.html");
        assertEquals(r1.header("etag"), r2.header("etag"));
        assertNotNull(r1.header("etag"));
        RawHttp.Response r = get(echo() + "/iframe.html", "If-None-Match", r1.header("etag"));
        assertEquals(304, r.status());
        assertNull(r.header("content-type"));
        assertEquals("", r.body());
    }

    // ---- InfoTest ----

    @Test
    void InfoTest_test_basic() throws Exception {
        RawHttp.Response r = get(echo() + "/info", "Origin", "test");
        assertEquals(200, r.status());
        verifyContentType(r, "application/json;charset=UTF-8");
        verifyNoCookie(r);
        verifyNotCached(r);
        verifyCors(r, "test");
        assertTrue(r.body().contains("\"websocket\":true"), r.body());
        assertTrue(r.body().matches(".*\"cookie_needed\":(true|false).*"), r.body());
        assertTrue(r.body().contains("\"origins\":[\"*:*\"]"), r.body());
        assertTrue(r.body().matches(".*\"entropy\":\\d+.*"), r.body());
    }

    private static long entropy(String json) {
        Matcher m = Pattern.compile("\"entropy\":(\\d+)").matcher(json);
        assertTrue(m.find(), json);
        return Long.parseLong(m.group(1));
    }

    @Test
    void InfoTest_test_entropy() throws Exception {
        assertNotEquals(entropy(get(echo() + "/info").body()), entropy(get(echo() + "/info").body()));
    }

    @Test
    void InfoTest_test_options() throws Exception {
        verifyOptions(echo() + "/info", "OPTIONS, GET");
    }

    @Test
    void InfoTest_test_options_null_origin() throws Exception {
        RawHttp.Response r = options(echo() + "/info", "Origin", "null", "Access-Control-Request-Method", "POST");
        assertTrue(r.status() == 204 || r.status() == 200);
        assertEquals("", r.body());
        assertEquals("null", r.header("access-control-allow-origin"));
    }

    @Test
    void InfoTest_test_disabled_websocket() throws Exception {
        RawHttp.Response r = get(url("disabled_websocket_echo") + "/info");
        assertEquals(200, r.status());
        assertTrue(r.body().contains("\"websocket\":false"), r.body());
    }

    // ---- SessionURLs ----

    private void verifySession(String sessionPart) throws Exception {
        RawHttp.Response r = post(echo() + sessionPart + "/xhr", null);
        assertEquals(200, r.status(), sessionPart);
        assertEquals("o\n", r.body());
    }

    @Test
    void SessionURLs_test_anyValue() throws Exception {
        String r = String.valueOf(new java.util.Random().nextInt(1025));
        verifySession("/a/a" + r);
        for (String part : List.of("/_/_" + r, "/1/" + r, "/abcdefgh_i-j%20/abcdefg_i-j%20" + r)) {
            verifySession(part);
        }
    }

    @Test
    void SessionURLs_test_invalidPaths() throws Exception {
        for (String suffix : List.of("//", "/a./a", "/a/a.", "/./.", "/", "///")) {
            verify404(get(echo() + suffix + "/xhr"));
            verify404(post(echo() + suffix + "/xhr", null));
        }
    }

    @Test
    void SessionURLs_test_ignoringServerId() throws Exception {
        String id = UUID.randomUUID().toString();
        RawHttp.Response r = post(echo() + "/000/" + id + "/xhr", null);
        assertEquals(200, r.status());
        assertEquals("o\n", r.body());
        r = post(echo() + "/000/" + id + "/xhr_send", "[\"a\"]");
        assertEquals(204, r.status());
        assertEquals("", r.body());
        r = post(echo() + "/999/" + id + "/xhr", null);
        assertEquals(200, r.status());
        assertEquals("a[\"a\"]\n", r.body());
    }

    // ---- Protocol ----

    /** How many SockJS sessions have a receiving request attached now: the suite's sleep, as a bounded wait. */
    private long receiving() throws Exception {
        return Stats.number(get(base.getPath() + "stats").body(), "receiving");
    }

    private RawHttp heldPoll(String path) throws Exception {
        long before = receiving();
        RawHttp held = postAsync(path);
        Await.until("the poll attached", Duration.ofSeconds(10), () -> receiving() > before);
        return held;
    }

    @Test
    void Protocol_test_simpleSession() throws Exception {
        String trans = fresh("echo");
        RawHttp.Response r = post(trans + "/xhr", null);
        assertEquals(200, r.status());
        assertEquals("o\n", r.body());
        r = post(trans + "/xhr_send", "[\"a\"]");
        assertEquals(204, r.status());
        assertEquals("", r.body());
        r = post(trans + "/xhr", null);
        assertEquals(200, r.status());
        assertEquals("a[\"a\"]\n", r.body());
        verify404(post(echo() + "/000/bad_session/xhr_send", "[\"a\"]"));
        try (RawHttp r1 = heldPoll(trans + "/xhr")) {
            RawHttp.Response r2 = post(trans + "/xhr", null);
            assertEquals("c[2010,\"Another connection still open\"]\n", r2.body());
            assertEquals(200, r2.status());
        }
    }

    @Test
    void Protocol_test_closeSession() throws Exception {
        String trans = fresh("close");
        RawHttp.Response r = post(trans + "/xhr", null);
        assertEquals(200, r.status());
        assertEquals("o\n", r.body());
        for (int i = 0; i < 2; i++) {
            r = post(trans + "/xhr", null);
            assertEquals(200, r.status());
            assertEquals("c[3000,\"Go away!\"]\n", r.body());
        }
    }

    // ---- WebsocketHttpErrors ----

    @Test
    void WebsocketHttpErrors_test_httpMethod() throws Exception {
        assertEquals(400, get(echo() + "/0/0/websocket").status());
    }

    @Test
    void WebsocketHttpErrors_test_invalidConnectionHeader() throws Exception {
        RawHttp.Response r = get(echo() + "/0/0/websocket", "Upgrade", "WebSocket", "Connection", "close");
        assertEquals(400, r.status());
    }

    @Test
    void WebsocketHttpErrors_test_invalidMethod() throws Exception {
        verify405(post(echo() + "/0/0/websocket", null, "Upgrade", "WebSocket", "Connection", "Upgrade"));
        verify405(post(echo() + "/0/0/websocket", null));
    }

    // ---- Websocket ----

    @Test
    void Websocket_test_transport() throws Exception {
        try (TestSocket ws = TestSocket.connect(ws(fresh("echo") + "/websocket"))) {
            assertEquals("o", ws.nextText());
            ws.sendText("[\"a\"]");
            assertEquals("a[\"a\"]", ws.nextText());
        }
    }

    @Test
    void Websocket_test_close() throws Exception {
        try (TestSocket ws = TestSocket.connect(ws(fresh("close") + "/websocket"))) {
            assertEquals("o", ws.nextText());
            assertEquals("c[3000,\"Go away!\"]", ws.nextText());
            assertNotNull(ws.awaitClose(Duration.ofSeconds(5)), "closed after the close frame");
        }
    }

    @Test
    void Websocket_test_headersSanity() throws Exception {
        try (RawHttp r = RawHttp.send(uri(), "GET", fresh("echo") + "/websocket", map("Upgrade", "websocket",
                "Connection", "Upgrade", "Sec-WebSocket-Version", "13", "Sec-WebSocket-Origin", "http://asd",
                "Sec-WebSocket-Key", "x3JJHMbDL1EzLkh9GBhXDw=="), null)) {
            RawHttp.Response h = r.head();
            assertEquals(101, h.status());
            assertEquals("HSmrc0sMlYUkAGmm5OPpG2HaGWk=", h.header("sec-websocket-accept"));
            assertEquals("upgrade", h.header("connection").toLowerCase());
            assertEquals("websocket", h.header("upgrade").toLowerCase());
            assertNull(h.header("content-length"));
        }
    }

    @Test
    void Websocket_test_empty_frame() throws Exception {
        try (TestSocket ws = TestSocket.connect(ws(fresh("echo") + "/websocket"))) {
            assertEquals("o", ws.nextText());
            ws.sendText("");
            ws.sendText("[]");
            ws.sendText("[\"a\"]");
            assertEquals("a[\"a\"]", ws.nextText());
        }
    }

    @Test
    void Websocket_test_reuseSessionId() throws Exception {
        String u = fresh("echo") + "/websocket";
        try (TestSocket ws1 = TestSocket.connect(ws(u)); TestSocket ws2 = TestSocket.connect(ws(u))) {
            assertEquals("o", ws1.nextText());
            assertEquals("o", ws2.nextText());
            ws1.sendText("[\"a\"]");
            assertEquals("a[\"a\"]", ws1.nextText());
            ws2.sendText("[\"b\"]");
            assertEquals("a[\"b\"]", ws2.nextText());
            assertFalse(ws1.isClosed() || ws2.isClosed());
        }
        try (TestSocket ws1 = TestSocket.connect(ws(u))) {
            assertEquals("o", ws1.nextText());
            ws1.sendText("[\"a\"]");
            assertEquals("a[\"a\"]", ws1.nextText());
        }
    }

    @Test
    void Websocket_test_haproxy() throws Exception {
        String path = fresh("echo") + "/websocket";
        String origin = "http://" + base.getHost() + ":" + base.getPort();
        try (RawHttp c = RawHttp.send(uri(), "GET", path, map("Connection", "Upgrade", "Upgrade", "WebSocket",
                "Origin", origin, "Sec-WebSocket-Key1", "4 @1  46546xW%0l 1 5", "Sec-WebSocket-Key2", "12998 5 Y3 1  .P00"),
                null)) {
            RawHttp.Response r = c.head();
            assertEquals(101, r.status());
            assertEquals("upgrade", r.header("connection").toLowerCase());
            assertEquals("websocket", r.header("upgrade").toLowerCase());
            assertEquals("ws://" + base.getHost() + ":" + base.getPort() + path, r.header("sec-websocket-location"));
            assertEquals(origin, r.header("sec-websocket-origin"));
            assertNull(r.header("content-length"));
            c.write("aaaaaaaa".getBytes(StandardCharsets.ISO_8859_1));
            byte[] expected = {(byte) 0xca, '4', 0x00, (byte) 0xd8, (byte) 0xa5, 0x08, 'G', (byte) 0x97, ',', (byte) 0xd5,
                    'q', 'Z', (byte) 0xba, (byte) 0xbf, 'C', '{'};
            assertArrayEquals(expected, c.readBytes(16));
        }
    }

    @Test
    void Websocket_test_broken_json() throws Exception {
        try (TestSocket ws = TestSocket.connect(ws(fresh("echo") + "/websocket"))) {
            assertEquals("o", ws.nextText());
            ws.sendText("[\"a");
            assertNotNull(ws.awaitClose(Duration.ofSeconds(5)), "broken JSON ends the connection");
        }
    }

    // ---- XhrPolling ----

    @Test
    void XhrPolling_test_options() throws Exception {
        for (String suffix : List.of("/xhr", "/xhr_send")) {
            verifyOptions(echo() + "/abc/abc" + suffix, "OPTIONS, POST");
        }
    }

    @Test
    void XhrPolling_test_transport() throws Exception {
        String u = fresh("echo");
        RawHttp.Response r = post(u + "/xhr", null, "Origin", "test");
        assertEquals(200, r.status());
        assertEquals("o\n", r.body());
        verifyContentType(r, "application/javascript;charset=UTF-8");
        verifyCors(r, "test");
        verifyNotCached(r);
        r = post(u + "/xhr_send", "[\"x\"]", "Origin", "test");
        assertEquals(204, r.status());
        assertEquals("", r.body());
        verifyContentType(r, "text/plain;charset=UTF-8");
        verifyCors(r, "test");
        verifyNotCached(r);
        r = post(u + "/xhr", null);
        assertEquals(200, r.status());
        assertEquals("a[\"x\"]\n", r.body());
    }

    @Test
    void XhrPolling_test_invalid_session() throws Exception {
        verify404(post(fresh("echo") + "/xhr_send", "[\"x\"]"));
    }

    @Test
    void XhrPolling_test_invalid_json() throws Exception {
        String u = fresh("echo");
        RawHttp.Response r = post(u + "/xhr", null);
        assertEquals(200, r.status());
        assertEquals("o\n", r.body());
        r = post(u + "/xhr_send", "[\"x");
        assertEquals(500, r.status());
        assertTrue(r.body().contains("Broken JSON encoding."));
        r = post(u + "/xhr_send", "");
        assertEquals(500, r.status());
        assertTrue(r.body().contains("Payload expected."));
        r = post(u + "/xhr_send", "[\"a\"]");
        assertEquals("", r.body());
        assertEquals(204, r.status());
        r = post(u + "/xhr", null);
        assertEquals("a[\"a\"]\n", r.body());
        assertEquals(200, r.status());
    }

    @Test
    void XhrPolling_test_content_types() throws Exception {
        String u = fresh("echo");
        assertEquals("o\n", post(u + "/xhr", null).body());
        List<String> types = List.of("text/plain", "T", "application/json", "application/xml", "",
                "application/json; charset=utf-8", "text/xml; charset=utf-8", "text/xml");
        for (String type : types) {
            RawHttp.Response r = post(u + "/xhr_send", "[\"a\"]", "Content-Type", type);
            assertEquals(204, r.status(), type);
            assertEquals("", r.body());
        }
        RawHttp.Response r = post(u + "/xhr", null);
        assertEquals(200, r.status());
        assertEquals("a[" + String.join(",", java.util.Collections.nCopies(types.size(), "\"a\"")) + "]\n", r.body());
    }

    @Test
    void XhrPolling_test_request_headers_cors() throws Exception {
        RawHttp.Response r = options(fresh("echo") + "/xhr", "Origin", "test", "Access-Control-Request-Method", "POST",
                "Access-Control-Request-Headers", "a, b, c");
        assertTrue(r.status() == 204 || r.status() == 200);
        verifyCors(r, "test");
        assertEquals("a, b, c", r.header("access-control-allow-headers"));
        r = options(fresh("echo") + "/xhr", "Origin", "test", "Access-Control-Request-Method", "POST",
                "Access-Control-Request-Headers", "");
        assertTrue(r.status() == 204 || r.status() == 200);
        verifyCors(r, "test");
        assertNull(r.header("access-control-allow-headers"));
        r = options(fresh("echo") + "/xhr", "Origin", "test", "Access-Control-Request-Method", "POST");
        assertTrue(r.status() == 204 || r.status() == 200);
        verifyCors(r, "test");
        assertNull(r.header("access-control-allow-headers"));
    }

    @Test
    void XhrPolling_test_sending_empty_frame() throws Exception {
        String u = fresh("echo");
        RawHttp.Response r = post(u + "/xhr", null);
        assertEquals(200, r.status());
        assertEquals("o\n", r.body());
        assertEquals(204, post(u + "/xhr_send", "[]").status());
        assertEquals(204, post(u + "/xhr_send", "[\"a\"]").status());
        r = post(u + "/xhr", null);
        assertEquals("a[\"a\"]\n", r.body());
        assertEquals(200, r.status());
    }

    // ---- XhrStreaming ----

    @Test
    void XhrStreaming_test_options() throws Exception {
        verifyOptions(echo() + "/abc/abc/xhr_streaming", "OPTIONS, POST");
    }

    @Test
    void XhrStreaming_test_transport() throws Exception {
        String u = fresh("echo");
        try (RawHttp r = postAsync(u + "/xhr_streaming", "Origin", "test")) {
            assertEquals(200, r.head().status());
            verifyContentType(r.head(), "application/javascript;charset=UTF-8");
            verifyCors(r.head(), "test");
            verifyNotCached(r.head());
            assertEquals("h".repeat(2048) + "\n", r.readChunk());
            assertEquals("o\n", r.readChunk());
            RawHttp.Response r1 = post(u + "/xhr_send", "[\"x\"]");
            assertEquals(204, r1.status());
            assertEquals("", r1.body());
            assertEquals("a[\"x\"]\n", r.readChunk());
        }
    }

    @Test
    void XhrStreaming_test_response_limit() throws Exception {
        String u = fresh("echo");
        try (RawHttp r = postAsync(u + "/xhr_streaming")) {
            assertEquals(200, r.head().status());
            assertFalse(r.readChunk().isEmpty());
            assertEquals("o\n", r.readChunk());
            String msg = "\"" + "x".repeat(128) + "\"";
            for (int i = 0; i < 31; i++) {
                assertEquals(204, post(u + "/xhr_send", "[" + msg + "]").status());
                assertEquals("a[" + msg + "]\n", r.readChunk());
            }
            assertEquals("", r.readChunk(), "closed after enough data");
        }
    }

    // ---- EventSource ----

    @Test
    void EventSource_test_transport() throws Exception {
        String u = fresh("echo");
        try (RawHttp r = getAsync(u + "/eventsource")) {
            assertEquals(200, r.head().status());
            verifyContentType(r.head(), "text/event-stream");
            verifyNotCached(r.head());
            assertEquals("\r\n", r.readChunk());
            assertEquals("data: o\r\n\r\n", r.readChunk());
            RawHttp.Response r1 = post(u + "/xhr_send", "[\"x\"]");
            assertEquals("", r1.body());
            assertEquals(204, r1.status());
            assertEquals("data: a[\"x\"]\r\n\r\n", r.readChunk());
            r1 = post(u + "/xhr_send", "[\"  \\u0000\\n\\r \"]");
            assertEquals("", r1.body());
            assertEquals(204, r1.status());
            assertEquals("data: a[\"  \\u0000\\n\\r \"]\r\n\r\n", r.readChunk());
        }
    }

    @Test
    void EventSource_test_response_limit() throws Exception {
        String u = fresh("echo");
        try (RawHttp r = getAsync(u + "/eventsource")) {
            assertEquals(200, r.head().status());
            assertFalse(r.readChunk().isEmpty());
            assertEquals("data: o\r\n\r\n", r.readChunk());
            String msg = "\"" + "x".repeat(4096) + "\"";
            assertEquals(204, post(u + "/xhr_send", "[" + msg + "]").status());
            assertEquals("data: a[" + msg + "]\r\n\r\n", r.readChunk());
            assertEquals("", r.readChunk());
        }
    }

    // ---- HtmlFile ----

    private static final String HTMLFILE_HEAD = """
            <!doctype html>
            <html><head>
              <meta http-equiv="X-UA-Compatible" content="IE=edge" />
              <meta http-equiv="Content-Type" content="text/html; charset=UTF-8" />
            </head><body><h2>Don't panic!</h2>
              <script>
                document.domain = document.domain;
                var c = parent.%s;
                c.start();
                function p(d) {c.message(d);};
                window.onload = function() {c.stop();};
              </script>""".strip();

    @Test
    void HtmlFile_test_transport() throws Exception {
        String u = fresh("echo");
        try (RawHttp r = getAsync(u + "/htmlfile?c=%63allback")) {
            assertEquals(200, r.head().status());
            verifyContentType(r.head(), "text/html;charset=UTF-8");
            verifyNotCached(r.head());
            String d = r.readChunk();
            assertEquals(HTMLFILE_HEAD.formatted("callback"), d.strip());
            assertTrue(d.length() > 1024);
            assertEquals("<script>\np(\"o\");\n</script>\r\n", r.readChunk());
            RawHttp.Response r1 = post(u + "/xhr_send", "[\"x\"]");
            assertEquals("", r1.body());
            assertEquals(204, r1.status());
            assertEquals("<script>\np(\"a[\\\"x\\\"]\");\n</script>\r\n", r.readChunk());
        }
    }

    @Test
    void HtmlFile_test_no_callback() throws Exception {
        RawHttp.Response r = get(echo() + "/a/a/htmlfile");
        assertEquals(500, r.status());
        assertTrue(r.body().contains("\"callback\" parameter required"));
    }

    @Test
    void HtmlFile_test_invalid_callback() throws Exception {
        for (String callback : List.of("%20", "*", "abc(", "abc%28")) {
            RawHttp.Response r = get(echo() + "/a/a/htmlfile?c=" + callback);
            assertEquals(500, r.status(), callback);
            assertTrue(r.body().contains("invalid \"callback\" parameter"));
        }
    }

    @Test
    void HtmlFile_test_response_limit() throws Exception {
        String u = fresh("echo");
        try (RawHttp r = getAsync(u + "/htmlfile?c=callback")) {
            assertEquals(200, r.head().status());
            assertFalse(r.readChunk().isEmpty());
            assertEquals("<script>\np(\"o\");\n</script>\r\n", r.readChunk());
            String msg = "x".repeat(4096);
            assertEquals(204, post(u + "/xhr_send", "[\"" + msg + "\"]").status());
            assertEquals("<script>\np(\"a[\\\"" + msg + "\\\"]\");\n</script>\r\n", r.readChunk());
            assertEquals("", r.readChunk());
        }
    }

    // ---- JsonPolling ----

    private RawHttp.Response jsonpSend(String u, String body, String type) throws Exception {
        return post(u + "/jsonp_send", body, "Content-Type", type);
    }

    private static final String FORM = "application/x-www-form-urlencoded";

    @Test
    void JsonPolling_test_transport() throws Exception {
        String u = fresh("echo");
        RawHttp.Response r = get(u + "/jsonp?c=%63allback");
        assertEquals(200, r.status());
        verifyContentType(r, "application/javascript;charset=UTF-8");
        verifyNotCached(r);
        assertEquals("/**/callback(\"o\");\r\n", r.body());
        r = jsonpSend(u, "d=%5B%22x%22%5D", FORM);
        assertEquals("ok", r.body());
        assertEquals(200, r.status());
        verifyContentType(r, "text/plain;charset=UTF-8");
        verifyNotCached(r);
        r = get(u + "/jsonp?c=%63allback");
        assertEquals(200, r.status());
        assertEquals("/**/callback(\"a[\\\"x\\\"]\");\r\n", r.body());
    }

    @Test
    void JsonPolling_test_no_callback() throws Exception {
        RawHttp.Response r = get(echo() + "/a/a/jsonp");
        assertEquals(500, r.status());
        assertTrue(r.body().contains("\"callback\" parameter required"));
    }

    @Test
    void JsonPolling_test_invalid_callback() throws Exception {
        for (String callback : List.of("%20", "*", "abc(", "abc%28")) {
            RawHttp.Response r = get(echo() + "/a/a/jsonp?c=" + callback);
            assertEquals(500, r.status(), callback);
            assertTrue(r.body().contains("invalid \"callback\" parameter"));
        }
    }

    @Test
    void JsonPolling_test_invalid_json() throws Exception {
        String u = fresh("echo");
        assertEquals("/**/x(\"o\");\r\n", get(u + "/jsonp?c=x").body());
        RawHttp.Response r = jsonpSend(u, "d=%5B%22x", FORM);
        assertEquals(500, r.status());
        assertTrue(r.body().contains("Broken JSON encoding."));
        for (String data : List.of("", "d=", "p=p")) {
            r = jsonpSend(u, data, FORM);
            assertEquals(500, r.status(), data);
            assertTrue(r.body().contains("Payload expected."));
        }
        assertEquals("ok", jsonpSend(u, "d=%5B%22b%22%5D", FORM).body());
        r = get(u + "/jsonp?c=x");
        assertEquals(200, r.status());
        assertEquals("/**/x(\"a[\\\"b\\\"]\");\r\n", r.body());
    }

    @Test
    void JsonPolling_test_content_types() throws Exception {
        String u = fresh("echo");
        assertEquals("/**/x(\"o\");\r\n", get(u + "/jsonp?c=x").body());
        assertEquals("ok", jsonpSend(u, "d=%5B%22abc%22%5D", FORM).body());
        assertEquals("ok", jsonpSend(u, "[\"%61bc\"]", "text/plain").body());
        RawHttp.Response r = get(u + "/jsonp?c=x");
        assertEquals(200, r.status());
        assertEquals("/**/x(\"a[\\\"abc\\\",\\\"%61bc\\\"]\");\r\n", r.body());
    }

    @Test
    void JsonPolling_test_close() throws Exception {
        String u = fresh("close");
        assertEquals("/**/x(\"o\");\r\n", get(u + "/jsonp?c=x").body());
        assertEquals("/**/x(\"c[3000,\\\"Go away!\\\"]\");\r\n", get(u + "/jsonp?c=x").body());
        assertEquals("/**/x(\"c[3000,\\\"Go away!\\\"]\");\r\n", get(u + "/jsonp?c=x").body());
    }

    @Test
    void JsonPolling_test_sending_empty_frame() throws Exception {
        String u = fresh("echo");
        assertEquals("/**/x(\"o\");\r\n", get(u + "/jsonp?c=x").body());
        assertEquals("ok", jsonpSend(u, "d=%5B%5D", FORM).body());
        assertEquals("ok", jsonpSend(u, "d=%5B%22x%22%5D", FORM).body());
        RawHttp.Response r = get(u + "/jsonp?c=x");
        assertEquals(200, r.status());
        assertEquals("/**/x(\"a[\\\"x\\\"]\");\r\n", r.body());
    }

    // ---- JsessionidCookie ----

    private static void verifyCookie(RawHttp.Response r) {
        String[] parts = r.header("set-cookie").split(";");
        assertEquals("JSESSIONID=dummy", parts[0].strip());
        assertEquals("path=/", parts[1].strip().toLowerCase());
    }

    @Test
    void JsessionidCookie_test_basic() throws Exception {
        RawHttp.Response r = get(url("cookie_needed_echo") + "/info");
        assertEquals(200, r.status());
        verifyNoCookie(r);
        assertTrue(r.body().contains("\"cookie_needed\":true"), r.body());
    }

    @Test
    void JsessionidCookie_test_xhr() throws Exception {
        RawHttp.Response r = post(fresh("cookie_needed_echo") + "/xhr", null);
        assertEquals(200, r.status());
        assertEquals("o\n", r.body());
        verifyCookie(r);
        r = post(fresh("cookie_needed_echo") + "/xhr", null, "Cookie", "JSESSIONID=abcdef");
        assertEquals(200, r.status());
        assertEquals("o\n", r.body());
        String[] parts = r.header("set-cookie").split(";");
        assertEquals("JSESSIONID=abcdef", parts[0].strip());
        assertEquals("path=/", parts[1].strip().toLowerCase());
    }

    @Test
    void JsessionidCookie_test_xhr_streaming() throws Exception {
        try (RawHttp r = postAsync(fresh("cookie_needed_echo") + "/xhr_streaming")) {
            assertEquals(200, r.head().status());
            verifyCookie(r.head());
        }
    }

    @Test
    void JsessionidCookie_test_eventsource() throws Exception {
        try (RawHttp r = getAsync(fresh("cookie_needed_echo") + "/eventsource")) {
            assertEquals(200, r.head().status());
            verifyCookie(r.head());
        }
    }

    @Test
    void JsessionidCookie_test_htmlfile() throws Exception {
        try (RawHttp r = getAsync(fresh("cookie_needed_echo") + "/htmlfile?c=%63allback")) {
            assertEquals(200, r.head().status());
            verifyCookie(r.head());
        }
    }

    @Test
    void JsessionidCookie_test_jsonp() throws Exception {
        String u = fresh("cookie_needed_echo");
        RawHttp.Response r = get(u + "/jsonp?c=%63allback");
        assertEquals(200, r.status());
        verifyCookie(r);
        assertEquals("/**/callback(\"o\");\r\n", r.body());
        r = jsonpSend(u, "d=%5B%22x%22%5D", FORM);
        assertEquals("ok", r.body());
        assertEquals(200, r.status());
        verifyCookie(r);
    }

    // ---- RawWebsocket ----

    @Test
    void RawWebsocket_test_transport() throws Exception {
        try (TestSocket ws = TestSocket.connect(ws(echo() + "/websocket"))) {
            ws.sendText("Hello world!\uffff");
            assertEquals("Hello world!\uffff", ws.nextText());
        }
    }

    @Test
    void RawWebsocket_test_close() throws Exception {
        try (TestSocket ws = TestSocket.connect(ws(url("close") + "/websocket"))) {
            assertEquals("Go away!", ws.awaitClose(Duration.ofSeconds(5)).reason());
        }
    }

    // ---- JSONEncoding ----

    /** The characters a server must send escaped (the suite's escapable_by_server, from 255 up). */
    private static boolean escapableByServer(int c) {
        return c <= 0x1f || c >= 0x200c && c <= 0x200f || c >= 0x2028 && c <= 0x202f || c >= 0x2060 && c <= 0x206f
                || c >= 0xfff0;
    }

    @Test
    void JSONEncoding_test_xhr_server_encodes() throws Exception {
        StringBuilder raw = new StringBuilder();
        StringBuilder escaped = new StringBuilder("\"");
        for (int c = 255; c < 65536; c++) {
            if (escapableByServer(c)) {
                raw.append((char) c);
                escaped.append(String.format("\\u%04x", c));
            }
        }
        escaped.append('"');
        String u = fresh("echo");
        RawHttp.Response r = post(u + "/xhr", null);
        assertEquals("o\n", r.body());
        assertEquals(200, r.status());
        assertEquals(204, post(u + "/xhr_send", "[\"" + raw + "\"]").status());
        r = post(u + "/xhr", null);
        assertEquals(200, r.status());
        String body = r.body().strip();
        assertEquals(escaped.toString(), body.substring(2, body.length() - 1));
    }

    /**
     * The suite sends every character a browser escapes (its escapable_by_client) as JSON escapes
     * and wants the same string back; this sends every character but the surrogates, a superset.
     */
    @Test
    void JSONEncoding_test_xhr_server_decodes() throws Exception {
        StringBuilder escaped = new StringBuilder("\"");
        StringBuilder expected = new StringBuilder();
        for (int c = 0; c < 65536; c++) {
            if (c >= 0xd800 && c <= 0xdfff) {
                continue;
            }
            escaped.append(String.format("\\u%04x", c));
            expected.append((char) c);
        }
        escaped.append('"');
        String u = fresh("echo");
        assertEquals("o\n", post(u + "/xhr", null).body());
        assertEquals(204, post(u + "/xhr_send", "[" + escaped + "]").status());
        RawHttp.Response r = post(u + "/xhr", null);
        assertEquals(200, r.status());
        String body = r.body().strip();
        String received = body.substring(2, body.length() - 1);
        String decoded = jakarta.json.bind.JsonbBuilder.create().fromJson(received, String.class);
        int at = 0;
        while (at < Math.min(decoded.length(), expected.length()) && decoded.charAt(at) == expected.charAt(at)) {
            at++;
        }
        assertEquals(expected.length(), decoded.length(), "first difference at " + at + ": sent U+"
                + Integer.toHexString(expected.charAt(Math.min(at, expected.length() - 1))) + ", got U+"
                + (at < decoded.length() ? Integer.toHexString(decoded.charAt(at)) : "end") + " in "
                + received.substring(Math.max(0, at - 10), Math.min(received.length(), at + 40)));
        assertEquals(expected.toString(), decoded);
    }

    // ---- HandlingClose ----

    @Test
    void HandlingClose_test_close_frame() throws Exception {
        String u = fresh("close");
        try (RawHttp r1 = postAsync(u + "/xhr_streaming")) {
            r1.readChunk();
            assertEquals("o\n", r1.readChunk());
            assertEquals("c[3000,\"Go away!\"]\n", r1.readChunk());
            try (RawHttp r2 = postAsync(u + "/xhr_streaming")) {
                r2.readChunk();
                assertEquals("c[3000,\"Go away!\"]\n", r2.readChunk());
                assertEquals("", r1.readChunk());
                assertEquals("", r2.readChunk());
            }
        }
    }

    @Test
    void HandlingClose_test_close_request() throws Exception {
        String u = fresh("echo");
        try (RawHttp r1 = postAsync(u + "/xhr_streaming")) {
            r1.readChunk();
            assertEquals("o\n", r1.readChunk());
            try (RawHttp r2 = postAsync(u + "/xhr_streaming")) {
                r2.readChunk();
                assertEquals("c[2010,\"Another connection still open\"]\n", r2.readChunk());
                assertEquals("", r2.readChunk());
            }
        }
    }

    @Test
    void HandlingClose_test_abort_xhr_streaming() throws Exception {
        String u = fresh("echo");
        RawHttp r1 = postAsync(u + "/xhr_streaming");
        r1.readChunk();
        assertEquals("o\n", r1.readChunk());
        try (RawHttp r2 = postAsync(u + "/xhr_streaming")) {
            r2.readChunk();
            assertEquals("c[2010,\"Another connection still open\"]\n", r2.readChunk());
            assertEquals("", r2.readChunk());
        }
        r1.close();
        try (RawHttp r3 = postAsync(u + "/xhr_streaming")) {
            r3.readChunk();
            String next = r3.readChunk();
            assertTrue(next.equals("o\n") || next.equals("c[1002,\"Connection interrupted\"]\n"), next);
        }
    }

    @Test
    void HandlingClose_test_abort_xhr_polling() throws Exception {
        String u = fresh("echo");
        assertEquals("o\n", post(u + "/xhr", null).body());
        RawHttp r1 = heldPoll(u + "/xhr");
        assertEquals("c[2010,\"Another connection still open\"]\n", post(u + "/xhr", null).body());
        r1.close();
        String r3 = post(u + "/xhr", null).body();
        assertTrue(r3.equals("o\n") || r3.equals("c[1002,\"Connection interrupted\"]\n"), r3);
    }

    // ---- Http10, Http11 ----

    @Test
    void Http10_test_synchronous() throws Exception {
        try (RawHttp c = RawHttp.send(uri(), "GET", echo(), map("Connection", "Keep-Alive"), null, "1.0")) {
            RawHttp.Response r = c.head();
            assertEquals(200, r.status());
            assertTrue(List.of("1.0", "1.1").contains(r.version()), r.version());
            assertNull(r.header("transfer-encoding"));
            if (r.header("content-length") == null) {
                assertEquals("close", r.header("connection").toLowerCase());
                assertEquals("Welcome to SockJS!\n", c.readBody().body());
                assertTrue(c.closedByServer());
            } else {
                assertEquals(19, Integer.parseInt(r.header("content-length")));
                assertEquals("Welcome to SockJS!\n", new String(c.readBytes(19), StandardCharsets.UTF_8));
                String connection = r.header("connection") == null ? "" : r.header("connection").toLowerCase();
                if (connection.equals("close") || connection.isEmpty()) {
                    assertTrue(c.closedByServer());
                } else {
                    assertEquals("keep-alive", connection);
                    assertEquals(200, c.again("GET", echo(), map("Connection", "Keep-Alive"), "1.0", uri()).head().status());
                }
            }
        }
    }

    @Test
    void Http10_test_streaming() throws Exception {
        String u = fresh("close");
        try (RawHttp c = RawHttp.send(uri(), "POST", u + "/xhr_streaming", map("Connection", "Keep-Alive"), "", "1.0")) {
            RawHttp.Response r = c.head();
            assertEquals(200, r.status());
            assertNull(r.header("transfer-encoding"));
            assertNull(r.header("content-length"));
            assertEquals('h', (char) c.readBytes(2048 + 1)[0]);
            assertEquals("o\n", new String(c.readBytes(2), StandardCharsets.UTF_8));
            assertEquals("c[3000,\"Go away!\"]\n", new String(c.readBytes(19), StandardCharsets.UTF_8));
            assertTrue(c.closedByServer());
        }
    }

    @Test
    void Http11_test_synchronous() throws Exception {
        try (RawHttp c = RawHttp.send(uri(), "GET", echo(), map("Connection", "Keep-Alive"), null, "1.1")) {
            RawHttp.Response r = c.head();
            assertEquals("1.1", r.version());
            String connection = r.header("connection") == null ? "" : r.header("connection").toLowerCase();
            assertTrue(connection.equals("keep-alive") || connection.isEmpty(), connection);
            if (r.header("content-length") != null) {
                assertEquals(19, Integer.parseInt(r.header("content-length")));
                assertEquals("Welcome to SockJS!\n", new String(c.readBytes(19), StandardCharsets.UTF_8));
                assertNull(r.header("transfer-encoding"));
            } else {
                assertEquals("chunked", r.header("transfer-encoding").toLowerCase());
                assertEquals("Welcome to SockJS!\n", c.readChunk());
                assertEquals("", c.readChunk());
            }
            assertEquals(200, c.again("GET", echo(), map("Connection", "Keep-Alive"), "1.1", uri()).head().status());
        }
    }

    @Test
    void Http11_test_streaming() throws Exception {
        String u = fresh("close");
        try (RawHttp c = RawHttp.send(uri(), "POST", u + "/xhr_streaming", map("Connection", "Keep-Alive"), "", "1.1")) {
            RawHttp.Response r = c.head();
            assertEquals(200, r.status());
            assertEquals("chunked", r.header("transfer-encoding").toLowerCase());
            assertNull(r.header("content-length"));
            assertEquals('h', c.readChunk().charAt(0));
            assertEquals("o\n", c.readChunk());
            assertEquals("c[3000,\"Go away!\"]\n", c.readChunk());
            assertEquals("", c.readChunk());
        }
    }
}
