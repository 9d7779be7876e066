package dev.switchboard.sockjs;

import dev.switchboard.handshake.HandshakePolicy;
import dev.switchboard.session.SessionEnvironment;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The deployment's SockJS services and their sessions: HTTP sessions by SockJS session id
 * (WebSocket sessions live as long as their socket and are only tracked for heart-beats), one
 * sweep that sends heart-beats and reclaims sessions nobody has polled for the disconnect delay,
 * and the counters for {@code /stats}.
 */
public final class SockJsServer implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(SockJsServer.class.getName());

    /** The key under which WebSocket endpoints find it in their user properties. */
    public static final String KEY = SockJsServer.class.getName();

    /**
     * @param heartbeat       silence after which an open receiving connection gets an {@code h} frame
     * @param disconnectDelay how long an HTTP session lives with no receiving request
     * @param clientUrl       where the iframe page loads sockjs-client from
     */
    /** @param corsMaxAge how long browsers may cache a CORS preflight answer */
    public record Options(Duration heartbeat, Duration disconnectDelay, String clientUrl, Duration corsMaxAge) {
    }

    private final Map<String, SockJsService> services;
    private final Options options;
    private final HandshakePolicy handshake;
    private final Map<String, SockJsSession> sessions = new ConcurrentHashMap<>();
    private final Set<Beating> sockets = ConcurrentHashMap.newKeySet();

    /** A WebSocket-carried session the sweep sends heart-beats to. */
    interface Beating {
        /** Sends {@code h} when nothing went out for the interval; true when it did. */
        boolean heartbeatDue(long now, long intervalNanos);
    }
    private final ScheduledFuture<?> sweep;

    final LongAdder opened = new LongAdder();
    final LongAdder closed = new LongAdder();
    final LongAdder timedOut = new LongAdder();
    final LongAdder interrupted = new LongAdder();
    final LongAdder busyRefused = new LongAdder();
    final LongAdder brokenJson = new LongAdder();
    final LongAdder unknownSession = new LongAdder();
    /** Requests for a session from another client than the one that opened it, answered 404. */
    final LongAdder foreignRequests = new LongAdder();
    final LongAdder heartbeats = new LongAdder();
    final LongAdder requests = new LongAdder();

    public SockJsServer(List<SockJsService> services, Options options, HandshakePolicy handshake) {
        Map<String, SockJsService> byName = new LinkedHashMap<>();
        for (SockJsService service : services) {
            if (byName.put(service.name(), service) != null) {
                throw new IllegalArgumentException("two SockJS services named " + service.name());
            }
        }
        this.services = Map.copyOf(byName);
        this.options = options;
        this.handshake = handshake;
        long period = Math.max(50, Math.min(1000,
                Math.min(options.heartbeat().toMillis(), options.disconnectDelay().toMillis()) / 2));
        this.sweep = handshake.environment().background().scheduleWithFixedDelay(this::sweep, period, period,
                TimeUnit.MILLISECONDS);
    }

    SockJsService service(String name) {
        return services.get(name);
    }

    public Set<String> serviceNames() {
        return services.keySet();
    }

    Options options() {
        return options;
    }

    HandshakePolicy handshake() {
        return handshake;
    }

    SessionEnvironment environment() {
        return handshake.environment();
    }

    SockJsSession session(String sockJsId) {
        return sessions.get(sockJsId);
    }

    /** The session with this id, created (and its application opened) when there is none. */
    SockJsSession sessionFor(String sockJsId, SockJsService service, java.util.function.Supplier<SockJsSession> create) {
        SockJsSession[] created = new SockJsSession[1];
        SockJsSession session = sessions.computeIfAbsent(sockJsId, id -> created[0] = create.get());
        if (created[0] != null) {
            opened.increment();
            created[0].start();
        }
        return session;
    }

    void forget(SockJsSession session) {
        sessions.remove(session.sockJsId(), session);
    }

    void track(Beating socket) {
        sockets.add(socket);
        opened.increment();
    }

    void untrack(Beating socket) {
        if (sockets.remove(socket)) {
            closed.increment();
        }
    }

    private void sweep() {
        long now = System.nanoTime();
        try {
            for (SockJsSession session : sessions.values()) {
                session.sweep(now);
            }
            long beat = options.heartbeat().toNanos();
            for (Beating socket : sockets) {
                if (socket.heartbeatDue(now, beat)) {
                    heartbeats.increment();
                }
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "SockJS sweep failed", e);
        }
    }

    /** For /stats. */
    public Map<String, Object> stats() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("httpSessions", sessions.size());
        out.put("receiving", sessions.values().stream().filter(SockJsSession::receiving).count());
        out.put("websocketSessions", sockets.size());
        out.put("opened", opened.sum());
        out.put("closed", closed.sum());
        out.put("timedOut", timedOut.sum());
        out.put("interrupted", interrupted.sum());
        out.put("refusedAnotherConnectionOpen", busyRefused.sum());
        out.put("brokenJson", brokenJson.sum());
        out.put("unknownSession", unknownSession.sum());
        out.put("foreignRequests", foreignRequests.sum());
        out.put("heartbeats", heartbeats.sum());
        out.put("requests", requests.sum());
        return out;
    }

    @Override
    public void close() {
        sweep.cancel(false);
        for (SockJsSession session : sessions.values()) {
            session.shutdown();
        }
        sessions.clear();
    }
}
