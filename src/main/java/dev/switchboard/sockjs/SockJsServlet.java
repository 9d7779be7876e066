package dev.switchboard.sockjs;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * {@code /sockjs/*}: the SockJS 0.3.3 HTTP side. Routes each request to its family — the
 * greeting, {@code /info} and the iframe page (here), the polling and streaming transports
 * ({@link ReceivingRequests}) and their send URLs ({@link SendingRequests}). WebSocket upgrades never get here
 * (the container's upgrade filter takes them to {@link SockJsWebSocketEndpoint}); a plain request
 * to a WebSocket URL is told to upgrade.
 *
 * <p>Routes on the raw request URI: the container's normalisation (merging slashes, resolving
 * dots) would turn URLs the protocol refuses into ones it accepts.
 */
public final class SockJsServlet extends HttpServlet {

    private static final String GREETING = "Welcome to SockJS!\n";
    private static final Pattern IFRAME = Pattern.compile("iframe[0-9A-Za-z._-]*\\.html");
    private static final SecureRandom RANDOM = new SecureRandom();

    private transient SockJsServer server;
    private transient SockJsHttp http;
    private transient ReceivingRequests receiving;
    private transient SendingRequests sending;
    private transient byte[] iframe;
    private transient String iframeEtag;

    @Override
    public void init() {
        server = (SockJsServer) getServletContext().getAttribute(SockJsServer.KEY);
        if (server == null) {
            return; // the application does not serve SockJS (the endpoints setting): every request is 404
        }
        http = new SockJsHttp(server);
        receiving = new ReceivingRequests(server, http);
        sending = new SendingRequests(server, http);
        String page = """
                <!DOCTYPE html>
                <html>
                <head>
                  <meta http-equiv="X-UA-Compatible" content="IE=edge" />
                  <meta http-equiv="Content-Type" content="text/html; charset=UTF-8" />
                  <script src="%s"></script>
                  <script>
                    document.domain = document.domain;
                    SockJS.bootstrap_iframe();
                  </script>
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
        if (server == null) {
            response.sendError(HttpServletResponse.SC_NOT_FOUND);
            return;
        }
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
            http.notFound(response);
            return;
        }
        String method = request.getMethod();
        if (parts.length == 2 || parts.length == 3 && parts[2].isEmpty()) {
            if (!method.equals("GET") && !method.equals("HEAD")) {
                http.methodNotAllowed(response, "GET");
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
                http.notFound(response);
            }
            return;
        }
        if (parts.length != 5 || !validSegment(parts[2]) || !validSegment(parts[3])) {
            http.notFound(response);
            return;
        }
        String sessionId = decode(parts[3]);
        String what = parts[4];
        switch (what) {
            case "websocket" -> websocketWithoutUpgrade(service, request, response);
            case "xhr_send" -> sending.send(service, sessionId, false, request, response);
            case "jsonp_send" -> sending.send(service, sessionId, true, request, response);
            default -> {
                Transport transport = Transport.of(what);
                if (transport == null || !service.enabled(transport)) {
                    http.notFound(response);
                } else {
                    receiving.receive(service, transport, sessionId, request, response);
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
            http.preflight(request, response, "OPTIONS, GET");
            return;
        }
        if (!request.getMethod().equals("GET")) {
            http.methodNotAllowed(response, "OPTIONS, GET");
            return;
        }
        if (!http.originAllowed(request, response)) {
            return;
        }
        http.cors(request, response);
        response.setHeader("Cache-Control", SockJsHttp.NOT_CACHED);
        long entropy = RANDOM.nextInt() & 0xffffffffL;
        String body = "{\"entropy\":" + entropy + ",\"origins\":[\"*:*\"],\"cookie_needed\":" + service.cookieNeeded()
                + ",\"websocket\":" + service.websocket() + "}";
        http.text(response, 200, "application/json;charset=UTF-8", body);
    }

    private void iframe(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (!request.getMethod().equals("GET") && !request.getMethod().equals("HEAD")) {
            http.methodNotAllowed(response, "GET");
            return;
        }
        response.setHeader("Cache-Control", SockJsHttp.CACHED);
        response.setHeader("Expires", http.expires());
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
            http.notFound(response);
        } else if (!request.getMethod().equals("GET")) {
            http.methodNotAllowed(response, "GET");
        } else {
            String upgrade = request.getHeader("Upgrade");
            http.text(response, 400, "text/plain;charset=UTF-8", upgrade != null && upgrade.equalsIgnoreCase("websocket")
                    ? "\"Connection\" must be \"Upgrade\"." : "Can \"Upgrade\" only to \"WebSocket\".");
        }
    }

}
