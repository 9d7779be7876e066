package dev.switchboard.sockjs;

import dev.switchboard.session.Connection;
import dev.switchboard.session.ConnectionInfo;
import dev.switchboard.session.SessionRegistry.CloseCause;
import jakarta.websocket.CloseReason;
import dev.switchboard.session.MemoryBudget;
import dev.switchboard.session.Outbound;
import dev.switchboard.session.OutboundSink;
import dev.switchboard.session.Outgoing;
import dev.switchboard.session.SessionLimits;
import java.security.Principal;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A SockJS session over the HTTP transports: a {@link Connection} whose messages go through an
 * {@link Outbound} pipeline with no fixed sink. Receiving requests (a poll or a stream, one at a
 * time) attach to it as they come; what waits meanwhile stays, bounded, and leaves as one
 * {@code a[...]} frame to the next. Without a receiving request for the disconnect delay it
 * ends; once closed, every later receiving request is answered with its close frame until then.
 */
final class SockJsSession implements TextConnection {

    private static final Logger LOG = Logger.getLogger(SockJsSession.class.getName());
    private static final AtomicLong IDS = new AtomicLong();

    private final SockJsServer server;
    private final SockJsService service;
    private final String sockJsId;
    private final String id;
    private final ConnectionInfo info;
    private final MemoryBudget.Account account;
    private final Outbound outbound;

    // guarded by this
    private String closeFrame;          // set once the session is closed
    private boolean ended;              // forgotten: handler told, registry updated

    private volatile SockJsHandler handler;
    /** Who opened it; null: anyone (sessions made in tests). */
    private volatile SessionOwner owner;

    SockJsSession(SockJsServer server, SockJsService service, String sockJsId, ConnectionInfo info) {
        this.server = server;
        this.service = service;
        this.sockJsId = sockJsId;
        this.id = "sockjs-" + IDS.incrementAndGet();
        this.info = info;
        this.account = server.environment().budget().open(info.remoteAddress());
        SessionLimits limits = server.environment().limits();
        this.outbound = new Outbound(null, limits.outboundMax(), limits.sendTimeout(), limits.coalesceMax(), account,
                this::receiverBroke);
        outbound.offer(new Outgoing.Control(SockJsFrames.OPEN));
    }

    /** Registers the session and opens its application; called once, right after creation. */
    void start() {
        server.environment().registry().add(this);
        try {
            handler = service.application().open(this);
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "SockJS service " + service.name() + " failed to open a session", e);
            server.environment().registry().countClose(CloseCause.HANDLER_ERROR);
            close(new CloseReason(CloseReason.CloseCodes.UNEXPECTED_CONDITION, "internal error"));
        }
    }

    String sockJsId() {
        return sockJsId;
    }

    SockJsService service() {
        return service;
    }

    // ---- receiving requests ----

    /** Attaches a receiving request: TAKEN when another one is attached, CLOSED when the session is. */
    Outbound.Attach attach(Receiver candidate) {
        candidate.attaching(outbound);
        return attach((OutboundSink) candidate);
    }

    /** As {@link #attach(Receiver)}, for any sink. */
    Outbound.Attach attach(OutboundSink candidate) {
        return outbound.attach(candidate, server.environment().writers());
    }

    /** The attached sink broke while nothing was being written to it: the session is interrupted. */
    void sinkFailed(OutboundSink broken, Throwable cause) {
        outbound.sinkFailed(broken, cause);
    }

    /** Asks the attached receiving request, if any, to write bytes its client ignores: a gone client fails on it. */
    void probe() {
        if (outbound.attached() != null) {
            outbound.offer(new Outgoing.Probe(), server.environment().writers());
        }
    }

    /** Whether a receiving request is attached now. */
    boolean receiving() {
        return outbound.attached() != null;
    }

    /** The frame later receiving requests are answered with, once the session is closed. */
    synchronized String closeFrame() {
        return closeFrame == null ? SockJsFrames.close(1002, "Connection interrupted") : closeFrame;
    }

    /** The receiving request broke (the client went away mid-request): the session is interrupted. */
    private void receiverBroke(Throwable cause) {
        synchronized (this) {
            if (closeFrame != null) {
                return;
            }
            closeFrame = SockJsFrames.close(1002, "Connection interrupted");
        }
        LOG.log(Level.FINE, () -> "SockJS session " + sockJsId + " interrupted: " + cause);
        server.interrupted.increment();
        ended();
    }

    // ---- sending: the Connection ----

    private boolean enqueue(Outgoing item) {
        switch (outbound.offer(item, server.environment().writers())) {
            case QUEUED -> {
                server.environment().registry().countOut();
                return true;
            }
            case OVERFLOW -> slowConsumer();
            default -> { }
        }
        return false;
    }

    /** The client does not take its messages fast enough: closed with 1008 and counted. */
    private void slowConsumer() {
        server.environment().registry().countClose(CloseCause.SLOW_CONSUMER);
        closing(new CloseReason(CloseReason.CloseCodes.VIOLATED_POLICY,
                "slow consumer: over " + server.environment().limits().outboundMax() + " waiting to be sent"), false);
    }

    @Override
    public boolean sendText(String text) {
        return enqueue(new Outgoing.Text(text));
    }

    @Override
    public boolean sendTextBatched(String... parts) {
        return enqueue(Outgoing.TextParts.of(parts));
    }

    @Override
    public void close(CloseReason reason) {
        closing(reason, false);
    }

    @Override
    public void closeAfterSent(CloseReason reason) {
        closing(reason, true);
    }

    private void closing(CloseReason reason, boolean afterPending) {
        String frame;
        synchronized (this) {
            if (closeFrame != null) {
                return;
            }
            closeFrame = frame = SockJsFrames.close(reason.getCloseCode().getCode(), reason.getReasonPhrase());
        }
        outbound.close(new Outgoing.Control(frame), !afterPending, null);
        runOffThread(this::ended);
    }

    @Override
    public synchronized boolean isOpen() {
        return closeFrame == null;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public Principal principal() {
        return info.principal();
    }

    @Override
    public MemoryBudget.Account account() {
        return account;
    }

    /** Binds the session to who opened it; its later requests must come from the same client. */
    void ownedBy(SessionOwner owner) {
        this.owner = owner;
    }

    /** Whether a later request for this session comes from its owner. */
    boolean admits(jakarta.servlet.http.HttpServletRequest request) {
        SessionOwner o = owner;
        return o == null || o.admits(request, server.handshake().identity());
    }

    @Override
    public ConnectionInfo info() {
        return info;
    }

    // ---- incoming ----

    /** Messages from a send request, in order; false when the session is closed. */
    boolean receive(java.util.List<String> messages) {
        SockJsHandler h;
        synchronized (this) {
            if (closeFrame != null || handler == null) {
                return closeFrame == null;
            }
            h = handler;
        }
        for (String message : messages) {
            server.environment().registry().countIn();
            h.onMessage(message);
        }
        return true;
    }

    // ---- lifetime ----

    /**
     * The sweep: cut a receiver that stays stuck while messages wait, heart-beat to an idle one,
     * or end a session nobody has polled for the disconnect delay.
     */
    void sweep(long now) {
        if (outbound.cutIfStalled(now)) {
            slowConsumer();
            return;
        }
        if (outbound.heartbeat(new Outgoing.Control(SockJsFrames.HEARTBEAT), now, server.options().heartbeat().toNanos(),
                server.environment().writers())) {
            server.heartbeats.increment();
        }
        long detached = outbound.detachedSince();
        if (detached != 0 && now - detached > server.options().disconnectDelay().toNanos()) {
            synchronized (this) {
                if (closeFrame == null) {
                    closeFrame = SockJsFrames.close(3000, "Go away!");
                    server.timedOut.increment();
                }
            }
            outbound.abort();
            server.forget(this);
            ended();
        }
    }

    /** Tells the handler and the registry, once. */
    private void ended() {
        SockJsHandler h;
        synchronized (this) {
            if (ended) {
                return;
            }
            ended = true;
            h = handler;
        }
        server.closed.increment();
        server.environment().registry().remove(this);
        account.close();
        SockJsHandler.closed(h);
    }

    /** The deployment stops: the receiver gets the close frame if it can, the handler is told. */
    void shutdown() {
        close(new CloseReason(CloseReason.CloseCodes.GOING_AWAY, "server shutting down"));
        ended();
    }

    private void runOffThread(Runnable task) {
        try {
            server.environment().background().execute(task);
        } catch (RejectedExecutionException stopping) {
            task.run();
        }
    }
}
