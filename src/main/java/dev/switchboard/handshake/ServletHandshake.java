package dev.switchboard.handshake;

import dev.switchboard.api.Handshake;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;
import java.security.Principal;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The request opening a connection, as handshake interceptors see it; valid while that request is handled. */
final class ServletHandshake implements Handshake {

    private final HttpServletRequest request;
    private final String transport;
    private final Map<String, Object> attributes;
    private final Principal user;

    ServletHandshake(HttpServletRequest request, String transport, Principal user, Map<String, Object> attributes) {
        this.request = request;
        this.transport = transport;
        this.user = user;
        this.attributes = attributes;
    }

    @Override
    public String transport() {
        return transport;
    }

    @Override
    public String path() {
        String path = request.getServletPath() + (request.getPathInfo() == null ? "" : request.getPathInfo());
        return path.isEmpty() ? request.getRequestURI().substring(request.getContextPath().length()) : path;
    }

    @Override
    public String header(String name) {
        return request.getHeader(name);
    }

    @Override
    public List<String> headers(String name) {
        return Collections.list(request.getHeaders(name));
    }

    @Override
    public List<Cookie> cookies() {
        Cookie[] cookies = request.getCookies();
        return cookies == null ? List.of() : List.of(cookies);
    }

    @Override
    public String queryParameter(String name) {
        return request.getParameter(name);
    }

    @Override
    public String remoteAddress() {
        return request.getRemoteAddr();
    }

    @Override
    public HttpSession httpSession() {
        return request.getSession(false);
    }

    @Override
    public Principal principal() {
        return user;
    }

    @Override
    public Map<String, Object> attributes() {
        return attributes;
    }

    /** The HTTP session's attributes, where the session's attributes start. */
    static Map<String, Object> httpSessionAttributes(HttpSession http) {
        Map<String, Object> copy = new HashMap<>();
        if (http == null) {
            return copy;
        }
        try {
            for (String name : Collections.list(http.getAttributeNames())) {
                Object value = http.getAttribute(name);
                if (value != null) {
                    copy.put(name, value);
                }
            }
        } catch (IllegalStateException invalidated) {
            copy.clear();
        }
        return copy;
    }
}
