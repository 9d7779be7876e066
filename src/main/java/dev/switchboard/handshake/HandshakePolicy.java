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
    /** Told how long each accepted WebSocket handshake took (nanoseconds), or null. */
    private volatile java.util.function.LongConsumer handshakeTimes;

    private final OriginPolicy origins;
    private final List<String> copiedHeaders;
    private final SessionEnvironment environment;
    private final Admission admission;
    private final LongAdder refusedOrigins = new LongAdder();
    private final Map<String, Object> endpointServices = new ConcurrentHashMap<>();
    private final Map<String, Object> readOnlyServices = java.util.Collections.unmodifiableMap(endpointServices);
    private volatile HandshakeInterceptors interceptors = HandshakeInterceptors.none();
    private volatile HandshakeIdentity identity = HandshakeIdentity.containerOnly();
    private volatile java.util.Set<String> publicHosts = java.util.Set.of();
    /** The names this machine goes by when no public host names are configured. */
    private static final java.util.Set<String> LOCAL_NAMES = localNames();

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

    /**
     * The host names browsers reach this server by (the {@code public.hosts} setting); empty: this
     * machine's own names and {@code localhost}. Set once at startup.
     */
    public void publicHosts(java.util.List<String> hosts) {
        this.publicHosts = java.util.Set.copyOf(hosts.stream().map(h -> OriginPolicy.hostName(h)).toList());
    }

    /** What the same-origin rule compares a request's Origin with. */
    public OriginPolicy.Site site(jakarta.servlet.http.HttpServletRequest request) {
        String host = request.getHeader("Host");
        boolean named = false;
        if (host != null) {
            String name = OriginPolicy.hostName(host);
            named = publicHosts.isEmpty() ? LOCAL_NAMES.contains(name) || name.equals(request.getLocalAddr())
                    : publicHosts.contains(name);
        }
        return new OriginPolicy.Site(request.isSecure() ? "https" : "http", host, named);
    }

    private static java.util.Set<String> localNames() {
        java.util.Set<String> names = new java.util.HashSet<>(java.util.Set.of("localhost", "127.0.0.1", "::1",
                "0:0:0:0:0:0:0:1"));
        try {
            java.net.InetAddress local = java.net.InetAddress.getLocalHost();
            names.add(local.getHostName().toLowerCase(Locale.ROOT));
            names.add(local.getCanonicalHostName().toLowerCase(Locale.ROOT));
            names.add(local.getHostAddress());
        } catch (java.io.IOException e) {
            // no name for this machine: localhost only
        }
        return java.util.Set.copyOf(names);
    }

    /** How a connection's user is found at the handshake; set once at startup, before any request. */
    /** Hears how long each WebSocket handshake that succeeded took, filter to 101 (nanoseconds); set once at startup. */
    public void timeHandshakes(java.util.function.LongConsumer times) {
        this.handshakeTimes = times;
    }

    java.util.function.LongConsumer handshakeTimes() {
        return handshakeTimes;
    }

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

    /** Hands an object to every new connection's endpoint: {@link #service}{@code (config, key)} finds it. */
    public void provide(String key, Object service) {
        endpointServices.put(key, service);
    }

    /** Where the services are in a connection's user properties: one entry, the same map for all. */
    static final String SERVICES_KEY = HandshakePolicy.class.getName() + ".services";

    /**
     * The object {@link #provide provided} under {@code key} to a connection's endpoint, or null.
     * (One shared entry rather than one per service: the container copies a connection's user
     * properties twice, per session, for every connection it holds.)
     */
    public static Object service(jakarta.websocket.EndpointConfig config, String key) {
        Object services = config.getUserProperties().get(SERVICES_KEY);
        return services instanceof Map<?, ?> map ? map.get(key) : null;
    }

    Map<String, Object> endpointServices() {
        return readOnlyServices;
    }

    /** Counts a request refused by the origin policy (WebSocket upgrades and SockJS's HTTP transports). */
    public void refuseOrigin() {
        refusedOrigins.increment();
    }

    public long refusedOrigins() {
        return refusedOrigins.sum();
    }
}
