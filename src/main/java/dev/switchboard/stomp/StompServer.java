package dev.switchboard.stomp;

import dev.switchboard.api.InboundInterceptor;
import dev.switchboard.api.SessionListener;
import dev.switchboard.broker.Broker;
import dev.switchboard.security.Authenticator;
import dev.switchboard.security.InboundRate;
import dev.switchboard.session.MemoryBudget;
import dev.switchboard.stomp.app.ApplicationRouter;
import jakarta.json.bind.Jsonb;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Everything the STOMP sessions of one deployment share: their limits and heart-beat offer, the
 * broker, the application router, the authenticator, the counters and the timer. The bootstrap
 * creates it; the handshake hands it to each {@link StompEndpoint} under {@link #KEY}.
 */
public final class StompServer {

    public static final String KEY = StompServer.class.getName();
    public static final String SERVER_NAME = "Switchboard/0.1";

    /**
     * The per-session STOMP limits.
     *
     * @param frames          frame limits once CONNECTED
     * @param connectFrameMax largest frame before CONNECTED
     * @param connectTimeout  time a new session has to send CONNECT
     * @param inbound         frames and bytes per second a session (and its address) may send
     */
    public record Limits(StompDecoder.Limits frames, int connectFrameMax, Duration connectTimeout,
                         int subscriptionsMax, int transactionFramesMax, InboundRate.Limits inbound) {

        /** The frame limits before CONNECTED: the same, with the smaller frame size. */
        StompDecoder.Limits beforeConnect() {
            return new StompDecoder.Limits(Math.min(connectFrameMax, frames.frameMax()), frames.headerCountMax(),
                    Math.min(connectFrameMax, frames.headerLineMax()));
        }
    }

    private final Limits limits;
    private final boolean binaryMessages;
    private final Duration heartbeatSend;
    private final Duration heartbeatReceive;
    private final Broker broker;
    private final MemoryBudget budget;
    private final ApplicationRouter router;
    private final Authenticator authenticator;
    private final ScheduledExecutorService timer;
    private final StompMetrics metrics = new StompMetrics();
    private volatile List<InboundInterceptor> inboundInterceptors = List.of();
    private volatile List<SessionListener> sessionListeners = List.of();
    private volatile StompAccess access = new StompAccess(null, List.of(), metrics);
    /** The open sessions, for the goodbye when the server drains. */
    private final java.util.Set<StompSession> sessions = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** Where ids come from: a client that sees some ids can guess no other. */
    private static final SecureRandom IDS = new SecureRandom();

    /**
     * @param binaryMessages whether MESSAGE frames go to WebSocket clients in binary WebSocket messages
     * @param jsonb          for the application router's payloads
     * @param appErrors      the user destination where application handlers' refusals and failures go
     */
    public StompServer(Limits limits, Duration heartbeatSend, Duration heartbeatReceive, boolean binaryMessages,
                       Broker broker, MemoryBudget budget, Jsonb jsonb, String appErrors, Authenticator authenticator,
                       ScheduledExecutorService timer) {
        this.budget = budget;
        this.limits = limits;
        this.heartbeatSend = heartbeatSend;
        this.heartbeatReceive = heartbeatReceive;
        this.binaryMessages = binaryMessages;
        this.broker = broker;
        this.router = new ApplicationRouter(broker, jsonb, this::nextMessageId, appErrors);
        this.authenticator = authenticator;
        this.timer = timer;
    }

    /** Whether MESSAGE frames go to WebSocket clients in binary WebSocket messages (see the setting). */
    public boolean binaryMessages() {
        return binaryMessages;
    }

    public Limits limits() {
        return limits;
    }

    /** How often this server offers to send heart-beats (cx of the spec's server side); zero: never. */
    public Duration heartbeatSend() {
        return heartbeatSend;
    }

    /** How often this server wants heart-beats from clients; zero: not at all. */
    public Duration heartbeatReceive() {
        return heartbeatReceive;
    }

    public Broker broker() {
        return broker;
    }

    /** What sessions are charged for what they make the server hold. */
    public MemoryBudget budget() {
        return budget;
    }

    public ApplicationRouter router() {
        return router;
    }

    /** The application's interceptors and listeners; set once at startup, before any session. */
    public void application(List<InboundInterceptor> interceptors, List<SessionListener> listeners) {
        this.inboundInterceptors = List.copyOf(interceptors);
        this.sessionListeners = List.copyOf(listeners);
    }

    /**
     * Who may subscribe and send where: the rules (or null for none) and the destination prefixes
     * only the server publishes to; set once at startup, before any session.
     */
    public void access(dev.switchboard.security.DestinationRules rules, List<String> serverOnly) {
        this.access = new StompAccess(rules, serverOnly, metrics);
    }

    StompAccess access() {
        return access;
    }

    /** STOMP sessions not yet ended. */
    public int openSessions() {
        return sessions.size();
    }

    void opened(StompSession session) {
        sessions.add(session);
    }

    void ended(StompSession session) {
        sessions.remove(session);
    }

    /**
     * Tells every open session the server is going away (an ERROR frame, then 1001); answers how
     * many were told.
     */
    public int goingAway() {
        int n = 0;
        for (StompSession s : sessions) {
            if (s.goingAway()) {
                n++;
            }
        }
        return n;
    }

    List<InboundInterceptor> inboundInterceptors() {
        return inboundInterceptors;
    }

    List<SessionListener> sessionListeners() {
        return sessionListeners;
    }

    public Authenticator authenticator() {
        return authenticator;
    }

    public ScheduledExecutorService timer() {
        return timer;
    }

    public StompMetrics metrics() {
        return metrics;
    }

    /**
     * A message id: 96 random bits, URL-safe. Every subscriber sees it, so it must tell nothing of
     * the next one (the chat page drops a message whose id it has seen: a guessable id could be
     * taken by a forged message first).
     */
    public String nextMessageId() {
        return randomId(12);
    }

    /**
     * A STOMP session id: 128 random bits. An anonymous session's user name is its id, so its
     * {@code /user/} destinations are reachable only by whoever knows it (the id goes to that
     * client alone, in CONNECTED).
     */
    String nextSessionId() {
        return "s" + randomId(16);
    }

    private static String randomId(int bytes) {
        byte[] random = new byte[bytes];
        IDS.nextBytes(random);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    }

    /** A STOMP session on a transport that carries text messages only (SockJS). */
    public interface TextSession {
        /** Text as it arrives; frames may span messages or share one. */
        void onText(String text);

        /** The transport closed. */
        void closed();
    }

    /**
     * Opens a STOMP session over {@code connection}, which carries text only: every frame goes out
     * as text, and versions up to 1.2 are offered.
     */
    public TextSession openTextSession(dev.switchboard.session.Connection connection) {
        StompSession session = new StompSession(this, connection, null, false);
        return new TextSession() {
            @Override
            public void onText(String text) {
                session.onText(text);
            }

            @Override
            public void closed() {
                session.closed();
            }
        };
    }

    /** STOMP and broker counters, for {@code /stats}. */
    public Map<String, Object> stats() {
        Map<String, Object> out = new LinkedHashMap<>(metrics.counters());
        ApplicationRouter.Counters app = router.counters();
        out.put("app", Map.of("requests", app.requests.sum(), "handlerFailures", app.handlerFailures.sum(),
                "errorsSent", app.errorsSent.sum(), "exceptionsHandled", app.exceptionsHandled.sum(),
                "forbidden", app.forbidden.sum()));
        out.put("broker", broker.stats());
        return out;
    }
}
