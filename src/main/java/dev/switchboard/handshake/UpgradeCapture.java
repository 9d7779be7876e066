package dev.switchboard.handshake;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * Keeps what the WebSocket API's handshake request does not offer (the client's address, the
 * Host header for the same-origin rule, the deployment's policy) at hand for the configurator
 * while the container performs the upgrade on this thread.
 *
 * <p>Mapped first in web.xml, so it runs before the container's own upgrade filter. Tomcat and
 * Undertow both call the configurator on the request thread inside the filter chain.
 */
public final class UpgradeCapture extends HttpFilter {

    /** The upgrade request in progress on this thread. */
    record UpgradeRequest(HandshakePolicy policy, String remoteAddress, String host) {
    }

    private static final ThreadLocal<UpgradeRequest> CURRENT = new ThreadLocal<>();

    static UpgradeRequest current() {
        return CURRENT.get();
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        String upgrade = request.getHeader("Upgrade");
        if (upgrade == null || !upgrade.equalsIgnoreCase("websocket")) {
            chain.doFilter(request, response);
            return;
        }
        HandshakePolicy policy = (HandshakePolicy) getServletContext().getAttribute(HandshakePolicy.ATTRIBUTE);
        CURRENT.set(new UpgradeRequest(policy, request.getRemoteAddr(), request.getHeader("Host")));
        try {
            chain.doFilter(request, response);
        } finally {
            CURRENT.remove();
        }
    }

}
