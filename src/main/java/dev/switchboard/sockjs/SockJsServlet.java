package dev.switchboard.sockjs;

import dev.switchboard.session.ConnectionInfo;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * {@code /sockjs/*}: the SockJS 0.3.3 HTTP side: the greeting, {@code /info}, the iframe page,
 * the polling and streaming transports and their send URLs. WebSocket upgrades never get here
 * (the container's upgrade filter takes them to {@link SockJsWebSocketEndpoint}); a plain request
 * to a WebSocket URL is told to upgrade.
 *
 * <p>Routes on the raw request URI: the container's normalisation (merging slashes, resolving
 * dots) would turn URLs the protocol refuses into ones it accepts.
 */
public final class SockJsServlet extends HttpServlet {

    private static final String GREETING = "Welcome to SockJS!\n";
    private static final Pattern IFRAME = Pattern.compile("iframe[0-9A-Za-z._-]*\\.html");
    private static final Pattern CALLBACK = Pattern.compile("[A-Za-z0-9_.]{1,128}");
    private static final String NOT_CACHED = "no-store, no-cache, must-revalidate, max-age=0";
    private static final long YEAR = 31536000L;
    private static final String CACHED = "public, max-age=" + YEAR;
    private static final SecureRandom RANDOM = new SecureRandom();
    /** Delay between the probes of a request that holds a session another request claims. */
    private static final long CONTENTION_PROBE_MS = 25;

    private transient SockJsServer server;
    private transient byte[] iframe;
    private transient String iframeEtag;

    @Override
    public void init() {
        server = (SockJsServer) getServletContext().getAttribute(SockJsServer.KEY);
        if (server == null) {
            throw new IllegalStateException("SockJS servlet started without Switchboard's SockJsServer (Bootstrap)");
        }
        String page = """
                <!DOCTYPE html>
                <html>
                <head>
                  <meta http-equiv="X-UA-Compatible" content="IE=edge" />
                  <meta http-equiv="Content-Type" content="text/html; charset=UTF-8" />
                  <script>
                    document.domain = document.domain;
                    _sockjs_onload = function(){SockJS.bootstrap_iframe();};
                  </script>
                  <script src="%s"></script>
                </head>
                <body>
                  <h2>Don't panic!</h2>
                  <p>This is a SockJS hidden iframe. It's used for cross domain magic.</p>
                </body>
                </html>""".formatted(server.options().clientUrl().replace("\"", "%22"));
        iframe = page.getBytes(StandardCharsets.UTF_8);
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(iframe);
            iframeEtag = "\"" + HexFormat.of().formatHex(digest, 0, 12) + "\"";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        server.requests.increment();
        String prefix = request.getContextPath() + request.getServletPath();
        String uri = request.getRequestURI();
        if (!uri.startsWith(prefix)) {
            response.sendError(404);
            return;
        }
        String[] parts = uri.substring(prefix.length()).split("/", -1);
        // parts[0] is "" (the path starts with '/'), parts[1] the service
        if (parts.length < 2) {
            response.sendError(404);
            return;
        }
        SockJsService service = server.service(decode(parts[1]));
        if (service == null) {
            notFound(response);
            return;
        }
        String method = request.getMethod();
        if (parts.length == 2 || parts.length == 3 && parts[2].isEmpty()) {
            if (!method.equals("GET") && !method.equals("HEAD")) {
                methodNotAllowed(response, "GET");
                return;
            }
            response.setContentType("text/plain;charset=UTF-8");
            byte[] body = GREETING.getBytes(StandardCharsets.UTF_8);
            response.setContentLength(body.length);
            response.getOutputStream().write(body);
            return;
        }
        if (parts.length == 3) {
            String what = parts[2];
            if (what.equals("info")) {
                info(service, request, response);
            } else if (IFRAME.matcher(what).matches()) {
                iframe(request, response);
            } else if (what.equals("websocket")) {
                websocketWithoutUpgrade(service, request, response);
            } else {
                notFound(response);
            }
            return;
        }
        if (parts.length != 5 || !validSegment(parts[2]) || !validSegment(parts[3])) {
            notFound(response);
            return;
        }
        String sessionId = decode(parts[3]);
        String what = parts[4];
        switch (what) {
            case "websocket" -> websocketWithoutUpgrade(service, request, response);
            case "xhr_send" -> send(service, sessionId, false, request, response);
            case "jsonp_send" -> send(service, sessionId, true, request, response);
            default -> {
                Transport transport = Transport.of(what);
                if (transport == null || !service.enabled(transport)) {
                    notFound(response);
                } else {
                    receive(service, transport, sessionId, request, response);
                }
            }
        }
    }

    private static boolean validSegment(String segment) {
        return !segment.isEmpty() && segment.indexOf('.') < 0;
    }

    private static String decode(String segment) {
        try {
            return URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return segment;
        }
    }

    // ---- static ----

    private void info(SockJsService service, HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (request.getMethod().equals("OPTIONS")) {
            preflight(request, response, "OPTIONS, GET");
            return;
        }
        if (!request.getMethod().equals("GET")) {
            methodNotAllowed(response, "OPTIONS, GET");
            return;
        }
        if (!originAllowed(request, response)) {
            return;
        }
        cors(request, response);
        response.setHeader("Cache-Control", NOT_CACHED);
        long entropy = RANDOM.nextInt() & 0xffffffffL;
        String body = "{\"entropy\":" + entropy + ",\"origins\":[\"*:*\"],\"cookie_needed\":" + service.cookieNeeded()
                + ",\"websocket\":" + service.websocket() + "}";
        text(response, 200, "application/json;charset=UTF-8", body);
    }

    private void iframe(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (!request.getMethod().equals("GET") && !request.getMethod().equals("HEAD")) {
            methodNotAllowed(response, "GET");
            return;
        }
        response.setHeader("Cache-Control", CACHED);
        response.setHeader("Expires", expires());
        response.setHeader("ETag", iframeEtag);
        String match = request.getHeader("If-None-Match");
        if (match != null && (match.equals(iframeEtag) || match.equals("*"))) {
            response.setStatus(304);
            return;
        }
        response.setContentType("text/html;charset=UTF-8");
        response.setContentLength(iframe.length);
        response.getOutputStream().write(iframe);
    }

    private void websocketWithoutUpgrade(SockJsService service, HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        if (!service.websocket()) {
            notFound(response);
        } else if (!request.getMethod().equals("GET")) {
            methodNotAllowed(response, "GET");
        } else {
            String upgrade = request.getHeader("Upgrade");
            text(response, 400, "text/plain;charset=UTF-8", upgrade != null && upgrade.equalsIgnoreCase("websocket")
                    ? "\"Connection\" must be \"Upgrade\"." : "Can \"Upgrade\" only to \"WebSocket\".");
        }
    }

    // ---- receiving ----

    private void receive(SockJsService service, Transport transport, String sessionId, HttpServletRequest request,
                         HttpServletResponse response) throws IOException {
        String method = request.getMethod();
        if (method.equals("OPTIONS") && transport.method.equals("POST")) {
            preflight(request, response, "OPTIONS, POST");
            return;
        }
        if (!method.equals(transport.method)) {
            methodNotAllowed(response, transport.method.equals("POST") ? "OPTIONS, POST" : "GET");
            return;
        }
        if (!originAllowed(request, response)) {
            return;
        }
        String callback = transport.needsCallback() ? request.getParameter("c") : null;
        if (transport.needsCallback()) {
            if (callback == null || callback.isEmpty()) {
                text(response, 500, "text/plain;charset=UTF-8", "\"callback\" parameter required");
                return;
            }
            if (!CALLBACK.matcher(callback).matches()) {
                text(response, 500, "text/plain;charset=UTF-8", "invalid \"callback\" parameter");
                return;
            }
        }
        if (server.session(sessionId) == null
                && !server.handshake().admission().admit(request.getRemoteAddr(), response)) {
            return; // a new session, not admitted now
        }
        cors(request, response);
        cookie(service, request, response);
        response.setHeader("Cache-Control", NOT_CACHED);
        response.setContentType(transport.contentType);
        response.setStatus(200);

        SockJsSession session = server.sessionFor(sessionId, service,
                () -> new SockJsSession(server, service, sessionId, connectionInfo(request)));
        AsyncContext async = request.startAsync();
        async.setTimeout(0); // the session's heart-beats and the sweep decide when it ends
        if (session.service() != service) {
            async.complete(); // the id belongs to another service's session
            return;
        }
        Receiver receiver = new Receiver(transport, callback, async, service.streamLimit());
        receiver.start(() -> attachOrContend(session, receiver));
    }

    /** Attaches the receiver to its session; when another request holds it, probes that one first. */
    private void attachOrContend(SockJsSession session, Receiver receiver) {
        switch (session.attach(receiver)) {
            case ATTACHED -> { }
            case CLOSED -> receiver.refuse(session.closeFrame());
            case TAKEN -> {
                // Another request holds the session. Its client may have gone away without the
                // container noticing (an idle request is not read): probe it twice, then decide.
                session.probe();
                ScheduledExecutorService timer = server.environment().background();
                try {
                    timer.schedule(session::probe, CONTENTION_PROBE_MS, TimeUnit.MILLISECONDS);
                    timer.schedule(() -> claimOrRefuse(session, receiver), 2 * CONTENTION_PROBE_MS, TimeUnit.MILLISECONDS);
                } catch (RejectedExecutionException stopping) {
                    claimOrRefuse(session, receiver);
                }
            }
        }
    }

    private void claimOrRefuse(SockJsSession session, Receiver receiver) {
        switch (session.attach(receiver)) {
            case ATTACHED -> { }
            case CLOSED -> receiver.refuse(session.closeFrame());
            case TAKEN -> {
                server.busyRefused.increment();
                receiver.refuse(SockJsFrames.close(2010, "Another connection still open"));
            }
        }
    }

    // ---- sending ----

    private void send(SockJsService service, String sessionId, boolean jsonp, HttpServletRequest request,
                      HttpServletResponse response) throws IOException {
        String method = request.getMethod();
        if (method.equals("OPTIONS") && !jsonp) {
            preflight(request, response, "OPTIONS, POST");
            return;
        }
        if (!method.equals("POST")) {
            methodNotAllowed(response, jsonp ? "POST" : "OPTIONS, POST");
            return;
        }
        if (!service.enabledSend(jsonp ? "jsonp" : "xhr_send") || jsonp && !service.enabled(Transport.JSONP)) {
            notFound(response);
            return;
        }
        if (!originAllowed(request, response)) {
            return;
        }
        SockJsSession session = server.session(sessionId);
        if (session == null || session.service() != service || !session.isOpen()) {
            server.unknownSession.increment();
            notFound(response);
            return;
        }
        int max = server.environment().limits().textMessageMax();
        byte[] raw = readBody(request, max * 6L + 1024); // a message's JSON escaping may take 6 bytes a char
        if (raw == null) {
            server.environment().registry().countClose(dev.switchboard.session.SessionRegistry.CloseCause.MESSAGE_TOO_BIG);
            session.close(new jakarta.websocket.CloseReason(jakarta.websocket.CloseReason.CloseCodes.TOO_BIG,
                    "message too big"));
            text(response, 413, "text/plain;charset=UTF-8", "Payload too large.");
            return;
        }
        String body = new String(raw, StandardCharsets.UTF_8);
        if (jsonp) {
            String type = request.getContentType();
            if (type != null && type.toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded")) {
                body = formField(body, "d");
            }
        }
        if (body == null || body.isEmpty()) {
            text(response, 500, "text/plain;charset=UTF-8", "Payload expected.");
            return;
        }
        List<String> messages;
        try {
            messages = SockJsJson.messages(body, false);
        } catch (SockJsJson.BrokenJsonException e) {
            server.brokenJson.increment();
            text(response, 500, "text/plain;charset=UTF-8", "Broken JSON encoding.");
            return;
        }
        for (String message : messages) {
            if (message.length() > max) {
                server.environment().registry().countClose(dev.switchboard.session.SessionRegistry.CloseCause.MESSAGE_TOO_BIG);
                session.close(new jakarta.websocket.CloseReason(jakarta.websocket.CloseReason.CloseCodes.TOO_BIG,
                        "message too big: over " + max + " characters"));
                text(response, 413, "text/plain;charset=UTF-8", "Message too big.");
                return;
            }
        }
        if (!session.receive(messages)) {
            notFound(response);
            return;
        }
        cors(request, response);
        cookie(service, request, response);
        response.setHeader("Cache-Control", NOT_CACHED);
        if (jsonp) {
            text(response, 200, "text/plain;charset=UTF-8", "ok");
        } else {
            response.setContentType("text/plain;charset=UTF-8");
            response.setStatus(204);
        }
    }

    /** The body, or null when it is longer than {@code max} bytes. */
    private static byte[] readBody(HttpServletRequest request, long max) throws IOException {
        long declared = request.getContentLengthLong();
        if (declared > max) {
            return null;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(declared > 0 ? (int) declared : 256);
        byte[] buffer = new byte[8192];
        try (InputStream in = request.getInputStream()) {
            int n;
            while ((n = in.read(buffer)) > 0) {
                if (out.size() + n > max) {
                    return null;
                }
                out.write(buffer, 0, n);
            }
        }
        return out.toByteArray();
    }

    /** One field of an application/x-www-form-urlencoded body, decoded; null when absent. */
    private static String formField(String body, String name) {
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair : pair.substring(0, eq);
            if (key.equals(name)) {
                try {
                    return eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                } catch (IllegalArgumentException e) {
                    return pair.substring(eq + 1);
                }
            }
        }
        return null;
    }

    // ---- headers ----

    /** Applies the deployment's origin policy to a cross-origin request; answers 403 and returns false when refused. */
    private boolean originAllowed(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String origin = request.getHeader("Origin");
        if (origin == null || server.handshake().origins().allows(origin, request.getHeader("Host"))) {
            return true;
        }
        server.handshake().refuseOrigin();
        text(response, 403, "text/plain;charset=UTF-8", "Origin not allowed.");
        return false;
    }

    private static void cors(HttpServletRequest request, HttpServletResponse response) {
        String origin = request.getHeader("Origin");
        response.setHeader("Access-Control-Allow-Origin", origin == null || origin.equals("null") ? "*" : origin);
        response.setHeader("Access-Control-Allow-Credentials", "true");
        String headers = request.getHeader("Access-Control-Request-Headers");
        if (headers != null && !headers.isEmpty()) {
            response.setHeader("Access-Control-Allow-Headers", headers);
        }
        if (origin != null && !origin.equals("null")) {
            response.addHeader("Vary", "Origin");
        }
    }

    private void preflight(HttpServletRequest request, HttpServletResponse response, String methods) throws IOException {
        if (!originAllowed(request, response)) {
            return;
        }
        cors(request, response);
        response.setHeader("Cache-Control", CACHED);
        response.setHeader("Expires", expires());
        response.setHeader("Access-Control-Max-Age", String.valueOf(YEAR));
        response.setHeader("Access-Control-Allow-Methods", methods);
        response.setStatus(204);
    }

    private static void cookie(SockJsService service, HttpServletRequest request, HttpServletResponse response) {
        if (!service.cookieNeeded()) {
            return;
        }
        String value = "dummy";
        Cookie[] cookies = request.getCookies();
        if (cookies != null) {
            for (Cookie c : cookies) {
                if (c.getName().equals("JSESSIONID")) {
                    value = c.getValue();
                }
            }
        }
        response.addHeader("Set-Cookie", "JSESSIONID=" + value + "; path=/");
    }

    private static String expires() {
        return DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC).plusSeconds(YEAR));
    }

    private static void notFound(HttpServletResponse response) throws IOException {
        text(response, 404, "text/plain;charset=UTF-8", "Not found.");
    }

    private static void methodNotAllowed(HttpServletResponse response, String allow) {
        response.setStatus(405);
        response.setHeader("Allow", allow);
        response.setContentLength(0);
    }

    private static void text(HttpServletResponse response, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        response.setStatus(status);
        response.setContentType(type);
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }

    private ConnectionInfo connectionInfo(HttpServletRequest request) {
        return connectionInfo(request, server.handshake().copiedHeaders());
    }

    /** What a connection opened by this request may know of it (its address, configured headers, principal). */
    static ConnectionInfo connectionInfo(HttpServletRequest request, List<String> copiedHeaders) {
        Map<String, List<String>> headers = new TreeMap<>();
        for (String name : copiedHeaders) {
            List<String> values = Collections.list(request.getHeaders(name));
            if (!values.isEmpty()) {
                headers.put(name, List.copyOf(values));
            }
        }
        Map<String, Object> attributes = new LinkedHashMap<>();
        HttpSession http = request.getSession(false);
        if (http != null) {
            for (String name : Collections.list(http.getAttributeNames())) {
                attributes.put(name, http.getAttribute(name));
            }
        }
        String query = request.getQueryString();
        return new ConnectionInfo(request.getRemoteAddr(),
                URI.create(request.getRequestURL() + (query == null ? "" : "?" + query)), headers, attributes,
                request.getUserPrincipal());
    }
}
