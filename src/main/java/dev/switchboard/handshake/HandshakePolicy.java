package dev.switchboard.handshake;

import dev.switchboard.session.SessionEnvironment;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the handshake of one deployment applies: who may connect, what it copies from the
 * request, and the environment handed to each new connection. The bootstrap listener puts it in
 * the servlet context under {@link #ATTRIBUTE}.
 */
public final class HandshakePolicy {

    public static final String ATTRIBUTE = HandshakePolicy.class.getName();

    private final OriginPolicy origins;
    private final List<String> copiedHeaders;
    private final SessionEnvironment environment;
    private final Admission admission;
    private final LongAdder refusedOrigins = new LongAdder();
    private final Map<String, Object> endpointServices = new ConcurrentHashMap<>();
    private volatile HandshakeInterceptors interceptors = HandshakeInterceptors.none();
    private volatile HandshakeIdentity identity = HandshakeIdentity.containerOnly();

    public HandshakePolicy(OriginPolicy origins, List<String> copiedHeaders, SessionEnvironment environment,
                           Admission.Limits admission) {
        this.admission = new Admission(admission, environment.registry());
        this.origins = origins;
        this.copiedHeaders = copiedHeaders.stream().map(h -> h.toLowerCase(Locale.ROOT)).toList();
        this.environment = environment;
    }

    public OriginPolicy origins() {
        return origins;
    }

    public List<String> copiedHeaders() {
        return copiedHeaders;
    }

    /** Connection and handshake-rate limits, checked before a connection is made. */
    public Admission admission() {
        return admission;
    }

    public SessionEnvironment environment() {
        return environment;
    }

    /** How a connection's user is found at the handshake; set once at startup, before any request. */
    public void identity(HandshakeIdentity identity) {
        this.identity = identity;
    }

    public HandshakeIdentity identity() {
        return identity;
    }

    /**
     * What every connection-opening request goes through, on every transport: its user (a token
     * that does not verify is answered 401), then the application's handshake interceptors.
     *
     * @return the opening, or null when refused (the response is sent)
     */
    public HandshakeInterceptors.Run open(jakarta.servlet.http.HttpServletRequest request,
                                          jakarta.servlet.http.HttpServletResponse response, String transport)
            throws java.io.IOException {
        boolean[] refused = {false};
        java.security.Principal user = identity.principal(request, response, refused);
        if (refused[0]) {
            return null;
        }
        return interceptors.before(request, response, transport, user);
    }

    /** The application's handshake interceptors; set once at startup, before any request. */
    public void interceptors(HandshakeInterceptors interceptors) {
        this.interceptors = interceptors;
    }

    public HandshakeInterceptors interceptors() {
        return interceptors;
    }

    /** Hands an object to every new connection's endpoint, in its user properties under {@code key}. */
    public void provide(String key, Object service) {
        endpointServices.put(key, service);
    }

    Map<String, Object> endpointServices() {
        return endpointServices;
    }

    /** Counts a request refused by the origin policy (WebSocket upgrades and SockJS's HTTP transports). */
    public void refuseOrigin() {
        refusedOrigins.increment();
    }

    public long refusedOrigins() {
        return refusedOrigins.sum();
    }
}
