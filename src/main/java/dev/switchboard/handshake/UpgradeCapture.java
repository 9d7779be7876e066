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
 *
 * <p>It refuses an upgrade that {@link Admission} does not admit now (too many connections, or
 * handshakes from one address too fast) with 503 or 429 before any session exists.
 *
 * <p>It also refuses an upgrade whose Origin the policy does not allow, with 403, before the
 * container sees it: a configurator's {@code checkOrigin} returning false gives 403 on Tomcat
 * but 404 on Undertow (WildFly), which passes the refused request down the chain.
 */
public final class UpgradeCapture extends HttpFilter {

    /** The upgrade request in progress on this thread. */
    record UpgradeRequest(HandshakePolicy policy, String remoteAddress, OriginPolicy.Site site,
                          java.util.Map<String, Object> attributes, java.security.Principal principal) {
        String host() {
            return site == null ? null : site.hostHeader();
        }
    }

    private static final ThreadLocal<UpgradeRequest> CURRENT = new ThreadLocal<>();
    /** A refused origin is logged at INFO a hundred times a JVM, then at FINE: clients choose how often. */
    private static final dev.switchboard.session.LogLimit REFUSALS = new dev.switchboard.session.LogLimit(100);
    private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger(UpgradeCapture.class.getName());

    static UpgradeRequest current() {
        return CURRENT.get();
    }

    /**
     * The attributes the upgrade in progress on this thread starts its session with (the HTTP
     * session's, and what handshake interceptors put in); empty when none is in progress.
     */
    public static java.util.Map<String, Object> attributes() {
        UpgradeRequest request = CURRENT.get();
        return request == null ? java.util.Map.of() : request.attributes();
    }

    /** The user of the upgrade in progress on this thread (a verified token's, the container's), or null. */
    public static java.security.Principal principal() {
        UpgradeRequest request = CURRENT.get();
        return request == null ? null : request.principal();
    }

    /** Whether the policy allows {@code origin} for this request; a refusal is counted and logged. */
    static boolean originAllowed(UpgradeRequest request, String origin) {
        if (request.policy().origins().allows(origin, request.site())) {
            return true;
        }
        request.policy().refuseOrigin();
        LOG.log(REFUSALS.level(java.util.logging.Level.INFO), () -> "WebSocket handshake from origin " + origin + " (Host " + request.host() + ", address "
                + request.remoteAddress() + ") refused by policy: " + request.policy().origins());
        return false;
    }

    /**
     * Whether the container will take this request as a WebSocket upgrade: "websocket" is one of
     * the tokens of an Upgrade header (as Tomcat decides it). Anything narrower would let a
     * request the container upgrades past this filter's checks.
     */
    static boolean webSocketUpgrade(HttpServletRequest request) {
        for (String header : java.util.Collections.list(request.getHeaders("Upgrade"))) {
            for (String token : header.split(",")) {
                if (token.trim().equalsIgnoreCase("websocket")) {
                    return true;
                }
            }
        }
        return false;
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (!webSocketUpgrade(request)) {
            chain.doFilter(request, response);
            return;
        }
        long start = System.nanoTime();
        HandshakePolicy policy = (HandshakePolicy) getServletContext().getAttribute(HandshakePolicy.ATTRIBUTE);
        UpgradeRequest upgradeRequest = new UpgradeRequest(policy, request.getRemoteAddr(),
                policy == null ? null : policy.site(request), java.util.Map.of(), null);
        String origin = request.getHeader("Origin");
        if (policy != null && origin != null && !originAllowed(upgradeRequest, origin)) {
            response.sendError(HttpServletResponse.SC_FORBIDDEN, "Origin not allowed");
            return;
        }
        if (policy != null && !policy.admission().admit(request.getRemoteAddr(), response)) {
            return;
        }
        HandshakeInterceptors.Run run = policy == null ? null : policy.open(request, response, "websocket");
        if (policy != null && run == null) {
            return; // a token that does not verify, or an application's interceptor refused it
        }
        if (run != null) {
            upgradeRequest = new UpgradeRequest(policy, upgradeRequest.remoteAddress(), upgradeRequest.site(),
                    run.attributes(), run.principal());
        }
        CURRENT.set(upgradeRequest);
        try {
            chain.doFilter(request, response);
        } finally {
            CURRENT.remove();
            boolean upgraded = response.getStatus() == HttpServletResponse.SC_SWITCHING_PROTOCOLS;
            if (run != null) {
                run.after(upgraded);
            }
            java.util.function.LongConsumer times = policy == null ? null : policy.handshakeTimes();
            if (upgraded && times != null) {
                times.accept(System.nanoTime() - start);
            }
        }
    }

}
