package dev.switchboard.sockjs;

import dev.switchboard.handshake.UpgradeCapture;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Enumeration;
import java.util.Locale;

/**
 * Runs before the container's WebSocket upgrade on {@code /sockjs/*}: refuses upgrades to
 * services that have no websocket transport (404) and, as SockJS servers do, accepts the
 * drafts hybi-07 and -08 (version 7 and 8), whose handshake and framing are those of RFC 6455, by
 * presenting them to the container as version 13.
 */
public final class SockJsUpgradeFilter extends HttpFilter {

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        String upgrade = request.getHeader("Upgrade");
        if (upgrade == null || !upgrade.toLowerCase(Locale.ROOT).contains("websocket") || !"GET".equals(request.getMethod())) {
            chain.doFilter(request, response);
            return;
        }
        SockJsServer server = (SockJsServer) getServletContext().getAttribute(SockJsServer.KEY);
        String path = request.getRequestURI().substring(request.getContextPath().length());
        String[] parts = path.split("/", -1); // "", "sockjs", service, ...
        SockJsService service = server == null || parts.length < 3 ? null : server.service(parts[2]);
        if (service == null || !service.websocket()) {
            byte[] body = "Not found.".getBytes(StandardCharsets.UTF_8);
            response.setStatus(404);
            response.setContentType("text/plain;charset=UTF-8");
            response.setContentLength(body.length);
            response.getOutputStream().write(body);
            return;
        }
        if (request.getHeader("Sec-WebSocket-Key1") != null && request.getHeader("Sec-WebSocket-Key2") != null) {
            hixie76(server, service, parts, request, response);
            return;
        }
        String version = request.getHeader("Sec-WebSocket-Version");
        if ("7".equals(version) || "8".equals(version)) {
            request = new HttpServletRequestWrapper(request) {
                @Override
                public String getHeader(String name) {
                    return name.equalsIgnoreCase("Sec-WebSocket-Version") ? "13" : super.getHeader(name);
                }

                @Override
                public Enumeration<String> getHeaders(String name) {
                    return name.equalsIgnoreCase("Sec-WebSocket-Version")
                            ? Collections.enumeration(java.util.List.of("13")) : super.getHeaders(name);
                }
            };
        }
        chain.doFilter(request, response);
    }

    /** A hixie-76 handshake (no Sec-WebSocket-Version; two keys and a nonce): upgraded here, the container does not speak it. */
    private void hixie76(SockJsServer server, SockJsService service, String[] parts, HttpServletRequest request,
                         HttpServletResponse response) throws IOException, ServletException {
        boolean raw = parts.length == 4 && parts[3].equals("websocket");
        boolean session = parts.length == 6 && parts[5].equals("websocket") && !parts[3].isEmpty() && !parts[4].isEmpty();
        String connection = request.getHeader("Connection");
        long key1 = Hixie76Connection.keyNumber(request.getHeader("Sec-WebSocket-Key1"));
        long key2 = Hixie76Connection.keyNumber(request.getHeader("Sec-WebSocket-Key2"));
        if (!raw && !session) {
            response.sendError(404);
            return;
        }
        if (connection == null || !connection.toLowerCase(Locale.ROOT).contains("upgrade") || key1 < 0 || key2 < 0) {
            response.sendError(400);
            return;
        }
        String origin = request.getHeader("Origin");
        if (origin != null && !server.handshake().origins().allows(origin, server.handshake().site(request))) {
            server.handshake().refuseOrigin();
            response.sendError(403);
            return;
        }
        response.setHeader("Upgrade", "WebSocket");
        response.setHeader("Connection", "Upgrade");
        if (origin != null) {
            response.setHeader("Sec-WebSocket-Origin", origin);
        }
        response.setHeader("Sec-WebSocket-Location", (request.isSecure() ? "wss://" : "ws://") + request.getHeader("Host")
                + request.getRequestURI());
        Hixie76Connection hixie = request.upgrade(Hixie76Connection.class);
        hixie.configure(server, service, raw, key1, key2,
                SockJsHttp.connectionInfo(request, server.handshake().copiedHeaders(), UpgradeCapture.attributes(),
                        UpgradeCapture.principal()));
    }
}
