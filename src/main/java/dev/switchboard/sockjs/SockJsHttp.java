package dev.switchboard.sockjs;

import dev.switchboard.session.ConnectionInfo;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What every SockJS HTTP answer shares: the origin policy, CORS and preflights, the
 * {@code JSESSIONID} cookie, caching headers, plain-text answers, and what a connection opened
 * by a request may know of it.
 */
final class SockJsHttp {

    static final String NOT_CACHED = "no-store, no-cache, no-transform, must-revalidate, max-age=0";
    static final long YEAR = 31536000L;
    static final String CACHED = "public, max-age=" + YEAR;

    private final SockJsServer server;

    SockJsHttp(SockJsServer server) {
        this.server = server;
    }


    /** Applies the deployment's origin policy to a cross-origin request; answers 403 and returns false when refused. */
    boolean originAllowed(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String origin = request.getHeader("Origin");
        if (origin == null || server.handshake().origins().allows(origin, server.handshake().site(request))) {
            return true;
        }
        server.handshake().refuseOrigin();
        text(response, 403, "text/plain;charset=UTF-8", "Origin not allowed.");
        return false;
    }

    /** Request headers a SockJS client may send cross-origin: the preflight allows these, never whatever is asked. */
    private static final java.util.Set<String> ALLOWED_HEADERS = java.util.Set.of("content-type", "authorization",
            "x-requested-with");

    /**
     * CORS for a request the origin policy has let through: with an Origin (the literal {@code null}
     * of sandboxed pages included, which only {@code allowed.origins=*} lets through) it is echoed
     * with credentials allowed, so the session's cookie flies; without one, {@code *} and no
     * credentials. Requested headers are allowed only from a short list, except under
     * {@code allowed.origins=*}, where any page may send anything anyway and the SockJS protocol
     * wants them echoed.
     */
    void cors(HttpServletRequest request, HttpServletResponse response) {
        boolean anyOrigin = server.handshake().origins().allowsAny();
        String origin = request.getHeader("Origin");
        if (origin == null) {
            response.setHeader("Access-Control-Allow-Origin", "*");
            return;
        }
        response.setHeader("Access-Control-Allow-Origin", origin);
        response.setHeader("Access-Control-Allow-Credentials", "true");
        response.addHeader("Vary", "Origin");
        String requested = request.getHeader("Access-Control-Request-Headers");
        if (requested != null && !requested.isBlank() && anyOrigin) {
            // allowed.origins=*: any page may anyway; the protocol wants the request headers echoed
            response.setHeader("Access-Control-Allow-Headers", requested);
        } else if (requested != null && !requested.isBlank()) {
            java.util.List<String> allowed = new java.util.ArrayList<>();
            for (String h : requested.split(",")) {
                String name = h.trim();
                if (ALLOWED_HEADERS.contains(name.toLowerCase(java.util.Locale.ROOT))) {
                    allowed.add(name);
                }
            }
            if (!allowed.isEmpty()) {
                response.setHeader("Access-Control-Allow-Headers", String.join(", ", allowed));
            }
        }
    }

    void preflight(HttpServletRequest request, HttpServletResponse response, String methods) throws IOException {
        if (!originAllowed(request, response)) {
            return;
        }
        cors(request, response);
        long maxAge = server.options().corsMaxAge().toSeconds();
        response.setHeader("Cache-Control", "public, max-age=" + maxAge);
        response.setHeader("Expires", DateTimeFormatter.RFC_1123_DATE_TIME.format(
                ZonedDateTime.now(ZoneOffset.UTC).plusSeconds(maxAge)));
        response.setHeader("Access-Control-Max-Age", String.valueOf(maxAge));
        response.setHeader("Access-Control-Allow-Methods", methods);
        response.setStatus(204);
    }

    static void cookie(SockJsService service, HttpServletRequest request, HttpServletResponse response) {
        if (!service.cookieNeeded()) {
            return;
        }
        String value = jsessionId(request);
        response.addHeader("Set-Cookie", "JSESSIONID=" + (value == null ? "dummy" : value) + "; path=/");
    }

    /** The request's {@code JSESSIONID} cookie (the last one sent), or null. */
    static String jsessionId(HttpServletRequest request) {
        String value = null;
        Cookie[] cookies = request.getCookies();
        if (cookies != null) {
            for (Cookie c : cookies) {
                if (c.getName().equals("JSESSIONID")) {
                    value = c.getValue();
                }
            }
        }
        return value;
    }

    static String expires() {
        return DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC).plusSeconds(YEAR));
    }

    static void notFound(HttpServletResponse response) throws IOException {
        text(response, 404, "text/plain;charset=UTF-8", "Not found.");
    }

    static void methodNotAllowed(HttpServletResponse response, String allow) {
        response.setStatus(405);
        response.setHeader("Allow", allow);
        response.setContentLength(0);
    }

    static void text(HttpServletResponse response, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        response.setStatus(status);
        response.setContentType(type);
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }

    /**
     * What a connection opened by this request may know of it (its address, configured headers,
     * principal) and the attributes it starts with.
     */
    static ConnectionInfo connectionInfo(HttpServletRequest request, List<String> copiedHeaders,
                                         Map<String, Object> attributes, java.security.Principal principal) {
        Map<String, List<String>> headers = new TreeMap<>();
        for (String name : copiedHeaders) {
            List<String> values = Collections.list(request.getHeaders(name));
            if (!values.isEmpty()) {
                headers.put(name, List.copyOf(values));
            }
        }
        String query = request.getQueryString();
        return new ConnectionInfo(request.getRemoteAddr(),
                URI.create(request.getRequestURL() + (query == null ? "" : "?" + query)), headers, attributes,
                principal);
    }
}
