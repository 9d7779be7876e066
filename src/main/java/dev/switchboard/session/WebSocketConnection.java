package dev.switchboard.session;

import dev.switchboard.session.SessionRegistry.CloseCause;
import jakarta.websocket.CloseReason;
import jakarta.websocket.CloseReason.CloseCodes;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.Session;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.Principal;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A {@link Connection} over a Jakarta WebSocket session: applies the deployment's limits, joins
 * partial messages under the size limits, queues sends, and turns failures into the right close
 * code (1009 too big, 1008 slow consumer, 1011 handler error), each counted.
 *
 * <p>Endpoints create one in {@code @OnOpen} and hand it their message, error and close callbacks.
 */
public final class WebSocketConnection implements Connection {

    private static final Logger LOG = Logger.getLogger(WebSocketConnection.class.getName());

    private final Session ws;
    private final SessionEnvironment environment;
    private final ConnectionInfo info;
    private final MemoryBudget.Account account;
    private final Outbound outbound;
    /** Bytes of a message arriving in parts, charged to the budget until it is whole. */
    private long assembling;
    private final TextAssembler text;
    private final BinaryAssembler binary;
    private final AtomicBoolean closing = new AtomicBoolean();
    /** How the connection ended (close code and reason), for the connection log. */
    private volatile String endedHow;
    private final AtomicBoolean removed = new AtomicBoolean();
    /** Whether a cause of this connection's close was counted (a container's own close may precede ours). */
    private final AtomicBoolean causeCounted = new AtomicBoolean();

    /** Tomcat's user property bounding its blocking sends, which include the close frame. */
    private static final String TOMCAT_BLOCKING_SEND_TIMEOUT = "org.apache.tomcat.websocket.BLOCKING_SEND_TIMEOUT";

    /**
     * Tomcat's user property bounding how long a session we closed waits for the client's close
     * frame before the socket is dropped (default 30 s). Until then Tomcat keeps the session's
     * buffers (~34 KB): a client that never answers our close would otherwise hold them that long.
     */
    private static final String TOMCAT_SESSION_CLOSE_TIMEOUT = "org.apache.tomcat.websocket.SESSION_CLOSE_TIMEOUT";
    private static final long CLOSE_HANDSHAKE_WAIT_MILLIS = 2000;

    private WebSocketConnection(Session ws, SessionEnvironment environment, ConnectionInfo info, boolean coalesce,
                                TextFraming framing) {
        this.ws = ws;
        this.environment = environment;
        this.info = info;
        this.account = environment.budget().open(info.remoteAddress());
        SessionLimits limits = environment.limits();
        this.text = new TextAssembler(limits.textMessageMax());
        this.binary = new BinaryAssembler(limits.binaryMessageMax());
        ws.setMaxIdleTimeout(limits.idleTimeout().toMillis());
        ws.getAsyncRemote().setSendTimeout(limits.sendTimeout().toMillis());
        // A close waits for the write in flight; to a stalled reader that must not take long.
        ws.getUserProperties().put(TOMCAT_BLOCKING_SEND_TIMEOUT, Math.min(2000L, limits.sendTimeout().toMillis()));
        ws.getUserProperties().put(TOMCAT_SESSION_CLOSE_TIMEOUT, CLOSE_HANDSHAKE_WAIT_MILLIS);
        WebSocketSink sink = new WebSocketSink(ws.getAsyncRemote(), ws.getBasicRemote(),
                environment.registry().directWrites, framing);
        this.outbound = new Outbound(sink, limits.outboundMax(), limits.sendTimeout(),
                coalesce ? limits.coalesceMax() : 0, account, this::sendFailed);
    }

    /**
     * Wraps a newly opened session. The handshake configurator must have left the deployment's
     * {@link SessionEnvironment} and the {@link ConnectionInfo} in the user properties.
     */
    public static WebSocketConnection open(Session ws, EndpointConfig config) {
        return open(ws, config, false);
    }

    /**
     * As {@link #open(Session, EndpointConfig)}; with {@code coalesce}, messages queued behind a
     * write in flight are joined into one WebSocket message (for protocols like STOMP that frame
     * their own messages inside WebSocket messages).
     */
    public static WebSocketConnection open(Session ws, EndpointConfig config, boolean coalesce) {
        return open(ws, config, coalesce, TextFraming.JOINED);
    }

    /**
     * As {@link #open(Session, EndpointConfig, boolean)}; text messages leave wrapped by
     * {@code framing} (several to a frame when coalescing), and {@link #sendControl} sends
     * control messages around it.
     */
    public static WebSocketConnection open(Session ws, EndpointConfig config, boolean coalesce, TextFraming framing) {
        Object environment = config.getUserProperties().get(SessionEnvironment.KEY);
        Object info = config.getUserProperties().get(ConnectionInfo.KEY);
        if (!(environment instanceof SessionEnvironment env) || !(info instanceof ConnectionInfo connectionInfo)) {
            throw new IllegalStateException("endpoint " + config.getClass().getName()
                    + " was opened without Switchboard's handshake configurator (see HandshakeConfigurator)");
        }
        WebSocketConnection connection = new WebSocketConnection(ws, env, connectionInfo, coalesce, framing);
        env.registry().add(connection);
        return connection;
    }

    /**
     * An endpoint's {@code @OnError}: handled by the connection ({@link #onError(Throwable, Logger)}),
     * or, when {@link #open} never succeeded ({@code connection} null), logged once and closed with 1011.
     */
    public static void onError(WebSocketConnection connection, Session ws, Throwable error, Logger endpointLog) {
        if (connection != null) {
            connection.onError(error, endpointLog);
            return;
        }
        endpointLog.log(Level.SEVERE, "connection " + ws.getId() + " failed to open", error);
        try {
            ws.close(new CloseReason(CloseCodes.UNEXPECTED_CONDITION, "internal error"));
        } catch (IOException | RuntimeException e) {
            endpointLog.log(Level.FINE, "close failed", e);
        }
    }

    /**
     * Charges a message part held until its message is whole to the budget (released with the
     * last part); false, with the connection closed 1013 and counted, when the budget is full.
     * Called on the container's thread for this connection, one part at a time.
     */
    private synchronized boolean holdPart(long bytes, boolean last) {
        if (closing.get()) {
            // closing: parts still arriving are dropped, never charged (onClose may have settled the account already)
            account.release(MemoryBudget.Use.FRAMES, assembling);
            assembling = 0;
            return false;
        }
        if (last) {
            account.release(MemoryBudget.Use.FRAMES, assembling);
            assembling = 0;
            return true;
        }
        try {
            account.reserve(MemoryBudget.Use.FRAMES, bytes);
            assembling += bytes;
            return true;
        } catch (MemoryBudget.Refused e) {
            account.release(MemoryBudget.Use.FRAMES, assembling);
            assembling = 0;
            closeFor(CloseCause.OVER_BUDGET, new CloseReason(CloseCodes.TRY_AGAIN_LATER, "over memory budget"));
            return false;
        }
    }

    /** One part of a text message in; the whole message once complete, else null. */
    public String onText(String part, boolean last) {
        if (!holdPart(2L * part.length(), last)) {
            return null;
        }
        try {
            String whole = text.append(part, last);
            if (whole != null) {
                environment.registry().countIn();
            }
            return whole;
        } catch (MessageTooBigException e) {
            closeFor(CloseCause.MESSAGE_TOO_BIG, new CloseReason(CloseCodes.TOO_BIG, e.getMessage()));
            return null;
        }
    }

    /** One part of a binary message in; the whole message once complete, else null. */
    public ByteBuffer onBinary(ByteBuffer part, boolean last) {
        if (!holdPart(part.remaining(), last)) {
            return null;
        }
        try {
            ByteBuffer whole = binary.append(part, last);
            if (whole != null) {
                environment.registry().countIn();
            }
            return whole;
        } catch (MessageTooBigException e) {
            closeFor(CloseCause.MESSAGE_TOO_BIG, new CloseReason(CloseCodes.TOO_BIG, e.getMessage()));
            return null;
        }
    }

    /** The client sent faster than it may: closed with 1008 and counted. */
    public void closeForRate(String detail) {
        closeFor(CloseCause.RATE_LIMITED, new CloseReason(CloseCodes.VIOLATED_POLICY, "rate limit: " + detail));
    }

    /**
     * Counts a whole message received by an endpoint that reads message parts itself (framing
     * protocols with their own limits, such as STOMP).
     */
    public void countMessageIn() {
        environment.registry().countIn();
    }

    /**
     * The endpoint's {@code @OnError}. A broken transport is routine; anything else is a bug in a
     * handler: logged once, counted, and the connection closes with 1011. Other connections go on.
     */
    public void onError(Throwable error, Logger endpointLog) {
        if (error instanceof IOException || closing.get()) {
            endpointLog.log(Level.FINE, "connection " + id() + " failed", error);
            return;
        }
        if (closing.compareAndSet(false, true)) {
            endpointLog.log(Level.SEVERE, "handler failed on connection " + id() + "; closing it with 1011", error);
            environment.registry().countClose(CloseCause.HANDLER_ERROR);
            outbound.abort();
            closeOffThread(new CloseReason(CloseCodes.UNEXPECTED_CONDITION, "internal error"));
        }
    }

    /**
     * The endpoint's {@code @OnClose}, with the close reason: a message the container itself
     * found too big (an endpoint whose messages the container assembles) is counted as one.
     */
    public void onClose(CloseReason reason) {
        if (reason != null && reason.getCloseCode().getCode() == CloseCodes.TOO_BIG.getCode()
                && causeCounted.compareAndSet(false, true)) {
            environment.registry().countClose(CloseCause.MESSAGE_TOO_BIG);
        }
        if (reason != null) {
            endedHow = reason.getCloseCode().getCode() + (reason.getReasonPhrase() == null
                    || reason.getReasonPhrase().isEmpty() ? "" : " " + reason.getReasonPhrase());
        }
        onClose();
    }

    /** The endpoint's {@code @OnClose}. */
    public void onClose() {
        closing.set(true);
        synchronized (this) {
            account.release(MemoryBudget.Use.FRAMES, assembling); // a message that never completed
            assembling = 0;
        }
        outbound.abort();
        if (removed.compareAndSet(false, true)) {
            environment.registry().remove(this, endedHow);
            account.close();
        }
    }

    @Override
    public String id() {
        return ws.getId();
    }

    @Override
    public Principal principal() {
        return info.principal();
    }

    @Override
    public ConnectionInfo info() {
        return info;
    }

    @Override
    public MemoryBudget.Account account() {
        return account;
    }

    /** The deployment's per-connection limits. */
    public SessionLimits limits() {
        return environment.limits();
    }

    @Override
    public boolean sendText(String message) {
        return offered(outbound.offer(new Outgoing.Text(message)));
    }

    @Override
    public boolean sendTextBatched(String... parts) {
        return offered(outbound.offer(Outgoing.TextParts.of(parts), environment.writers()));
    }

    @Override
    public boolean sendBinaryBatched(byte[]... parts) {
        return offered(outbound.offer(Outgoing.BinaryParts.of(parts), environment.writers()));
    }

    /** Queues a control message that leaves alone and as it is, outside the connection's {@link TextFraming}. */
    public boolean sendControl(String text) {
        return offered(outbound.offer(new Outgoing.Control(text)));
    }

    /**
     * Queues {@code beat} as a control message when nothing was written for {@code intervalNanos};
     * true when it was queued.
     */
    public boolean heartbeat(String beat, long now, long intervalNanos) {
        return outbound.heartbeat(new Outgoing.Control(beat), now, intervalNanos, null);
    }

    /**
     * Closes with {@code reason} once what is queued and then {@code lastControl} (a protocol's own
     * close message) have been written.
     */
    public void closeAfter(String lastControl, CloseReason reason) {
        outbound.close(new Outgoing.Control(lastControl), false, () -> close(reason));
    }

    @Override
    public boolean sendBinary(ByteBuffer data) {
        return offered(outbound.offer(new Outgoing.Binary(data)));
    }

    private boolean offered(Outbound.Offer result) {
        switch (result) {
            case QUEUED -> {
                environment.registry().countOut();
                return true;
            }
            case OVERFLOW -> closeFor(CloseCause.SLOW_CONSUMER, new CloseReason(CloseCodes.VIOLATED_POLICY,
                    "slow consumer: over " + environment.limits().outboundMax() + " waiting to be sent"));
            default -> { }
        }
        return false;
    }

    /**
     * Closes with {@code reason}, off the calling thread: on a container thread that is reading
     * this connection, a close waits for the write in flight to it, whose completion Tomcat runs
     * only once that read is over (the close frame then timed out and the client saw 1006).
     */
    @Override
    public void close(CloseReason reason) {
        if (closing.compareAndSet(false, true)) {
            outbound.abort();
            closeOffThread(reason);
        }
    }

    private void closeOffThread(CloseReason reason) {
        try {
            environment.background().execute(() -> closeQuietly(reason));
        } catch (java.util.concurrent.RejectedExecutionException stopping) {
            closeQuietly(reason);
        }
    }

    @Override
    public void closeAfterSent(CloseReason reason) {
        outbound.close(null, false, () -> close(reason));
    }

    @Override
    public boolean isOpen() {
        return !closing.get() && ws.isOpen();
    }

    private void sendFailed(Throwable cause) {
        if (timedOut(cause)) {
            // The container gave up on a write the reader made no room for, and may have closed the session itself.
            if (causeCounted.compareAndSet(false, true)) {
                environment.registry().countClose(CloseCause.SLOW_CONSUMER);
            }
            closeFor(CloseCause.SLOW_CONSUMER, new CloseReason(CloseCodes.VIOLATED_POLICY,
                    "slow consumer: a write timed out"));
            return;
        }
        if (closing.get() || !ws.isOpen()) {
            return; // sends fail routinely while a connection closes
        }
        LOG.log(Level.FINE, "send to " + id() + " failed", cause);
        closeFor(CloseCause.SEND_FAILED, new CloseReason(CloseCodes.UNEXPECTED_CONDITION, "send failed"));
    }

    private static boolean timedOut(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof java.net.SocketTimeoutException || t instanceof java.util.concurrent.TimeoutException) {
                return true;
            }
        }
        return false;
    }

    private void closeFor(CloseCause cause, CloseReason reason) {
        if (closing.compareAndSet(false, true)) {
            if (causeCounted.compareAndSet(false, true)) {
                environment.registry().countClose(cause);
            }
            outbound.abort();
            LOG.fine(() -> "closing " + id() + ": " + reason);
            // Not on this thread: it may be a publisher fanning out, and a container's close
            // can wait for the write in flight to this very client.
            closeOffThread(reason);
        }
    }

    private void closeQuietly(CloseReason reason) {
        try {
            ws.close(reason);
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.FINE, "close of " + id() + " failed", e);
        }
    }
}
