package dev.switchboard.sockjs;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/**
 * The sending requests of SockJS's HTTP transports ({@code xhr_send}, {@code jsonp_send}): the
 * body's messages, checked against the limits, handed to the session's application in order.
 */
final class SendingRequests {

    private final SockJsServer server;
    private final SockJsHttp http;

    SendingRequests(SockJsServer server, SockJsHttp http) {
        this.server = server;
        this.http = http;
    }

    void send(SockJsService service, String sessionId, boolean jsonp, HttpServletRequest request,
                      HttpServletResponse response) throws IOException {
        String method = request.getMethod();
        if (method.equals("OPTIONS") && !jsonp) {
            http.preflight(request, response, "OPTIONS, POST");
            return;
        }
        if (!method.equals("POST")) {
            http.methodNotAllowed(response, jsonp ? "POST" : "OPTIONS, POST");
            return;
        }
        if (!service.enabledSend(jsonp ? "jsonp" : "xhr_send") || jsonp && !service.enabled(Transport.JSONP)) {
            http.notFound(response);
            return;
        }
        if (!http.originAllowed(request, response)) {
            return;
        }
        SockJsSession session = server.session(sessionId);
        if (session == null || session.service() != service || !session.isOpen()) {
            server.unknownSession.increment();
            http.notFound(response);
            return;
        }
        if (!session.admits(request)) {
            server.foreignRequests.increment(); // another client: as if there were no such session
            http.notFound(response);
            return;
        }
        int max = server.environment().limits().textMessageMax();
        byte[] raw = readBody(request, max * 6L + 1024); // a message's JSON escaping may take 6 bytes a char
        if (raw == null) {
            server.environment().registry().countClose(dev.switchboard.session.SessionRegistry.CloseCause.MESSAGE_TOO_BIG);
            session.close(new jakarta.websocket.CloseReason(jakarta.websocket.CloseReason.CloseCodes.TOO_BIG,
                    "message too big"));
            http.text(response, 413, "text/plain;charset=UTF-8", "Payload too large.");
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
            http.text(response, 500, "text/plain;charset=UTF-8", "Payload expected.");
            return;
        }
        List<String> messages;
        try {
            messages = SockJsJson.messages(body, false);
        } catch (SockJsJson.BrokenJsonException e) {
            server.brokenJson.increment();
            http.text(response, 500, "text/plain;charset=UTF-8", "Broken JSON encoding.");
            return;
        }
        for (String message : messages) {
            if (message.length() > max) {
                server.environment().registry().countClose(dev.switchboard.session.SessionRegistry.CloseCause.MESSAGE_TOO_BIG);
                session.close(new jakarta.websocket.CloseReason(jakarta.websocket.CloseReason.CloseCodes.TOO_BIG,
                        "message too big: over " + max + " characters"));
                http.text(response, 413, "text/plain;charset=UTF-8", "Message too big.");
                return;
            }
        }
        if (!session.receive(messages)) {
            http.notFound(response);
            return;
        }
        http.cors(request, response);
        http.cookie(service, request, response);
        response.setHeader("Cache-Control", SockJsHttp.NOT_CACHED);
        if (jsonp) {
            http.text(response, 200, "text/plain;charset=UTF-8", "ok");
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

}
