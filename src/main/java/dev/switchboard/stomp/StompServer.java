package dev.switchboard.stomp;

import dev.switchboard.broker.Broker;
import dev.switchboard.security.Authenticator;
import dev.switchboard.security.InboundRate;
import dev.switchboard.session.MemoryBudget;
import dev.switchboard.stomp.app.ApplicationRouter;
import jakarta.json.bind.Jsonb;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

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
    private final String idPrefix = Long.toString(ThreadLocalRandom.current().nextLong() >>> 1, 36);
    private final AtomicLong messageIds = new AtomicLong();
    private final AtomicLong sessionIds = new AtomicLong();

    /**
     * @param binaryMessages whether MESSAGE frames go to WebSocket clients in binary WebSocket messages
     * @param jsonb          for the application router's payloads
     */
    public StompServer(Limits limits, Duration heartbeatSend, Duration heartbeatReceive, boolean binaryMessages,
                       Broker broker, MemoryBudget budget, Jsonb jsonb, Authenticator authenticator,
                       ScheduledExecutorService timer) {
        this.budget = budget;
        this.limits = limits;
        this.heartbeatSend = heartbeatSend;
        this.heartbeatReceive = heartbeatReceive;
        this.binaryMessages = binaryMessages;
        this.broker = broker;
        this.router = new ApplicationRouter(broker, jsonb, this::nextMessageId);
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

    public Authenticator authenticator() {
        return authenticator;
    }

    public ScheduledExecutorService timer() {
        return timer;
    }

    public StompMetrics metrics() {
        return metrics;
    }

    /** A message id unique to this deployment's lifetime. */
    public String nextMessageId() {
        return idPrefix + "-" + messageIds.incrementAndGet();
    }

    String nextSessionId() {
        return "s" + idPrefix + "-" + sessionIds.incrementAndGet();
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
        out.put("broker", broker.stats());
        return out;
    }
}
