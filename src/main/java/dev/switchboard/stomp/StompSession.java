package dev.switchboard.stomp;

import dev.switchboard.broker.Message;
import dev.switchboard.broker.Subscriber;
import dev.switchboard.broker.Subscription;
import dev.switchboard.security.AuthenticationException;
import dev.switchboard.session.Connection;
import dev.switchboard.session.MemoryBudget;
import jakarta.websocket.CloseReason;
import jakarta.websocket.CloseReason.CloseCodes;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.util.List;
import java.util.logging.Logger;

/**
 * The STOMP state machine of one connection, fed by its transport: parses frames, answers them,
 * holds the session's subscriptions and transactions, and takes deliveries from the broker.
 *
 * <p>Frames arrive one at a time on the transport's thread and are handled under this object's
 * lock, which a close from another thread also takes. Deliveries come from publishers' threads
 * and take no lock: they queue pre-encoded bytes on the connection.
 *
 * <p>What a client can make it hold is charged to its connection's {@link MemoryBudget.Account}
 * (frames being assembled and the rates through {@link ClientQuota}, transactions; the broker
 * charges queued messages). Before CONNECT a session takes only small frames and has
 * {@code connectTimeout} to send CONNECT.
 *
 * <p>Its parts: the subscription bookkeeping ({@link StompSubscriptions}), what leaves the session
 * ({@link StompOutput}), transactions ({@link Transactions}), quotas ({@link ClientQuota}) and
 * heart-beats ({@link HeartBeats}), the application's hooks ({@link SessionHooks}); this class is
 * the state machine that ties them together. It is a little over 400 lines because every frame's
 * transition is here, in one switch and one method per command, where a reader checks them
 * against the spec; what each transition does lives in the parts.
 */
final class StompSession implements Subscriber, StompDecoder.Sink {

    private static final Logger LOG = Logger.getLogger(StompSession.class.getName());

    private enum State { AWAITING_CONNECT, CONNECTED, ENDED }


    private final StompServer server;
    private final Connection connection;
    private final StompVersion highestAllowed;
    private final StompDecoder decoder;
    private final String id;
    private final StompSubscriptions subscriptions;
    private final StompOutput output;
    private final StompSends sends;
    private final Transactions transactions;
    private final ClientQuota quota;

    private volatile StompVersion version = StompVersion.V1_2;
    private volatile boolean ended;
    private State state = State.AWAITING_CONNECT;
    private Principal principal;
    private volatile String userName;
    private final SessionHooks hooks;
    private java.util.concurrent.ScheduledFuture<?> expiry;
    private char pendingHighSurrogate;
    private final HeartBeats heartBeats;

    /**
     * @param subprotocol the negotiated WebSocket subprotocol ({@code v11.stomp}...), or null/empty:
     *                    versions above it are not offered
     */
    StompSession(StompServer server, Connection connection, String subprotocol, boolean binaryMessages) {
        this.server = server;
        this.connection = connection;
        StompVersion fromSubprotocol = subprotocol == null ? null : StompVersion.ofSubprotocol(subprotocol);
        this.highestAllowed = fromSubprotocol == null ? StompVersion.V1_2 : fromSubprotocol;
        this.quota = new ClientQuota(server, connection.account(),
                connection.info() == null ? null : connection.info().remoteAddress(), this::connectTimedOut);
        this.decoder = new StompDecoder(server.limits().beforeConnect(), StompVersion.V1_0, quota);
        this.id = server.nextSessionId();
        this.transactions = new Transactions(server.limits().transactionFramesMax(), quota.account());
        this.heartBeats = new HeartBeats(server.timer(), connection, server.metrics(), this::silent);
        this.subscriptions = new StompSubscriptions(server.broker(), server.router(), server.access(),
                server.limits().subscriptionsMax(), server.metrics());
        this.hooks = new SessionHooks(this, connection, server);
        this.output = new StompOutput(connection, server.metrics(), heartBeats, binaryMessages);
        this.sends = new StompSends(server);
        server.metrics().sessionsOpen.increment();
        server.opened(this);
    }

    @Override
    public MemoryBudget.Account account() {
        return quota.account();
    }

    /** The client did not CONNECT in time: whatever it sent meanwhile, it is closed. */
    private synchronized void connectTimedOut() {
        if (state == State.AWAITING_CONNECT) {
            error("CONNECT timeout", quota.connectTimedOut(), null, CloseCodes.VIOLATED_POLICY);
        }
    }

    /** False (and the session ended) when the client sends faster than its rates allow. */
    private boolean withinRate(String over) {
        if (over != null) {
            error("rate limit", "this session sent " + over, null, CloseCodes.VIOLATED_POLICY);
        }
        return over == null;
    }

    @Override
    public String sessionId() {
        return id;
    }

    @Override
    public synchronized Principal principal() {
        return principal;
    }

    /** The name user destinations know this session by: its user's, or its id when anonymous; null before CONNECT. */
    String userName() {
        return userName;
    }

    // ---- input ------------------------------------------------------------------------------

    /** One part of a text WebSocket message. */
    synchronized void onText(String part) {
        heartBeats.read();
        String text = part;
        if (pendingHighSurrogate != 0) {
            text = pendingHighSurrogate + text;
            pendingHighSurrogate = 0;
        }
        if (!text.isEmpty() && Character.isHighSurrogate(text.charAt(text.length() - 1))) {
            pendingHighSurrogate = text.charAt(text.length() - 1); // its pair comes in the next part
            text = text.substring(0, text.length() - 1);
        }
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        server.metrics().bytesIn.add(bytes.length);
        if (state != State.ENDED && withinRate(quota.bytes(bytes.length))) {
            decoder.feed(bytes, this);
        }
    }

    /** One part of a binary WebSocket message. */
    synchronized void onBinary(ByteBuffer part) {
        heartBeats.read();
        server.metrics().bytesIn.add(part.remaining());
        if (state != State.ENDED && withinRate(quota.bytes(part.remaining()))) {
            decoder.feed(part, this);
        }
    }

    @Override
    public void heartbeat() {
        server.metrics().heartbeatsIn.increment();
    }

    @Override
    public void malformed(String reason, String receipt) {
        server.metrics().malformedFrames.increment();
        error("malformed frame", reason, receipt, CloseCodes.PROTOCOL_ERROR);
    }

    @Override
    public void refused(String reason, String receipt) {
        error("over memory budget", reason, receipt, CloseCodes.VIOLATED_POLICY);
    }

    @Override
    public void frame(StompFrame frame) {
        server.metrics().framesIn.increment();
        if (state == State.ENDED) {
            return;
        }
        if (!withinRate(quota.frame())) {
            return;
        }
        StompCommand command = frame.command();
        if (!command.fromClient()) {
            error("unexpected frame", command + " is a frame servers send, not clients", frame.header("receipt"),
                    CloseCodes.PROTOCOL_ERROR);
            return;
        }
        String refused = hooks.inbound(frame);
        if (refused != null) {
            error("refused", refused, frame.header("receipt"), CloseCodes.VIOLATED_POLICY);
            return;
        }
        if (state == State.AWAITING_CONNECT) {
            if (command == StompCommand.CONNECT || command == StompCommand.STOMP) {
                connect(frame);
            } else {
                error("not connected", "the first frame must be CONNECT (or STOMP), not " + command,
                        frame.header("receipt"), CloseCodes.PROTOCOL_ERROR);
            }
            return;
        }
        boolean ok = switch (command) {
            case CONNECT, STOMP -> fail(frame, "already connected", "this session sent " + command + " twice");
            case SEND -> transactionalOr(frame, this::send);
            case SUBSCRIBE -> applied(frame, subscriptions.subscribe(this, hooks, frame, version, hooks::subscribed));
            case UNSUBSCRIBE -> applied(frame, subscriptions.unsubscribe(frame, version, hooks::unsubscribed));
            case ACK, NACK -> transactionalOr(frame, this::acknowledge);
            case BEGIN -> begin(frame);
            case COMMIT -> commit(frame);
            case ABORT -> abort(frame);
            case DISCONNECT -> {
                disconnect(frame);
                yield false;
            }
            default -> fail(frame, "unexpected frame", command.toString());
        };
        if (ok) {
            receipt(frame);
        }
    }

    // ---- CONNECT ----------------------------------------------------------------------------

    private void connect(StompFrame frame) {
        List<StompVersion> offered = StompConnect.offered(highestAllowed);
        StompVersion negotiated = StompVersion.negotiate(frame.header("accept-version"), offered);
        if (negotiated == null) {
            sendFrame(StompConnect.unsupported(offered));
            end(CloseCodes.PROTOCOL_ERROR, "unsupported STOMP version");
            return;
        }
        version = negotiated;
        decoder.version(negotiated);
        decoder.limits(server.limits().frames());
        long[] clientBeats = {0, 0};
        if (negotiated != StompVersion.V1_0 && frame.header("heart-beat") != null) {
            clientBeats = HeartBeats.parse(frame.header("heart-beat"));
            if (clientBeats == null) {
                error("bad heart-beat header", "heart-beat must be two non-negative numbers, like 10000,10000; got \""
                        + frame.header("heart-beat") + "\"", frame.header("receipt"), CloseCodes.PROTOCOL_ERROR);
                return;
            }
        }
        try {
            principal = hooks.authenticated() != null ? hooks.authenticated()
                    : server.authenticator().authenticate(StompConnect.credentials(frame), connection.principal());
        } catch (AuthenticationException e) {
            server.metrics().authFailures.increment();
            error("authentication failed", e.getMessage(), frame.header("receipt"), CloseCodes.VIOLATED_POLICY);
            return;
        }
        userName = principal != null ? principal.getName() : id;
        long sx = server.heartbeatSend().toMillis();
        long sy = server.heartbeatReceive().toMillis();
        state = State.CONNECTED;
        quota.connected();
        server.metrics().connects.increment();
        sendFrame(StompConnect.connected(negotiated, sx, sy, id, principal));
        receipt(frame);
        heartBeats.start(sx, sy, clientBeats[0], clientBeats[1]);
        expiry = StompConnect.expiry(server.timer(), principal, this::tokenExpired);
        hooks.connected();
        LOG.fine(() -> "STOMP " + id + " connected: " + version.number() + (principal == null ? " anonymous" : " as "
                + principal.getName()) + ", heart-beats out " + heartBeats.outgoing() + " ms, in "
                + heartBeats.incoming() + " ms");
    }

    /** The session's token expired: it ends now, not at its next frame. */
    private synchronized void tokenExpired() {
        if (state == State.CONNECTED) {
            server.metrics().tokensExpired.increment();
            error("token expired", "the session's token expired; connect again with a fresh one", null,
                    CloseCodes.VIOLATED_POLICY);
        }
    }

    /** The server is draining: an ERROR frame saying so, then 1001. False when already ended. */
    synchronized boolean goingAway() {
        if (state == State.ENDED) {
            return false;
        }
        error("server going away", "the server is stopping; connect again (to another server)", null,
                CloseCodes.GOING_AWAY);
        return true;
    }

    /** The client said nothing for twice its heart-beat interval. */
    private synchronized void silent(long limitMillis) {
        if (state == State.ENDED) {
            return;
        }
        server.metrics().heartbeatTimeouts.increment();
        error("heart-beat timeout", "nothing received for over " + limitMillis
                + " ms (twice the agreed heart-beat interval)", null, CloseCodes.GOING_AWAY);
    }

    // ---- SEND -------------------------------------------------------------------------------

    private boolean send(StompFrame frame) {
        return applied(frame, sends.send(frame, hooks, quota.account()));
    }

    // ---- SUBSCRIBE, UNSUBSCRIBE, ACK, NACK: the subscriptions ------------------------------

    private boolean acknowledge(StompFrame frame) {
        return applied(frame, subscriptions.acknowledge(frame, version));
    }

    /** True when applied; else an ERROR for the frame, the session ends, and false. */
    private boolean applied(StompFrame frame, StompSubscriptions.Problem problem) {
        return problem == null || fail(frame, problem.message(), problem.detail());
    }

    // ---- transactions -----------------------------------------------------------------------

    private interface FrameAction {
        boolean apply(StompFrame frame);
    }

    private boolean transactionalOr(StompFrame frame, FrameAction action) {
        String tx = frame.header("transaction");
        if (tx == null) {
            return action.apply(frame);
        }
        String problem = transactions.add(tx, frame);
        return problem == null || fail(frame, "transaction refused", problem);
    }

    private boolean begin(StompFrame frame) {
        String tx = frame.header("transaction");
        if (tx == null) {
            return fail(frame, "missing transaction", "BEGIN needs a transaction header");
        }
        String problem = transactions.begin(tx);
        return problem == null || fail(frame, "transaction refused", problem);
    }

    private boolean commit(StompFrame frame) {
        List<StompFrame> frames = transactions.finish(frame.header("transaction"));
        if (frames == null) {
            return fail(frame, "unknown transaction", "no open transaction \"" + frame.header("transaction") + "\"");
        }
        server.metrics().commits.increment();
        for (StompFrame f : frames) {
            boolean ok = f.command() == StompCommand.SEND ? send(f) : acknowledge(f);
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private boolean abort(StompFrame frame) {
        if (transactions.finish(frame.header("transaction")) == null) {
            return fail(frame, "unknown transaction", "no open transaction \"" + frame.header("transaction") + "\"");
        }
        server.metrics().aborts.increment();
        return true;
    }

    // ---- DISCONNECT, ERROR, RECEIPT ---------------------------------------------------------

    private void disconnect(StompFrame frame) {
        receipt(frame);
        end(CloseCodes.NORMAL_CLOSURE, "DISCONNECT");
    }

    private void receipt(StompFrame frame) {
        String receipt = frame.header("receipt");
        if (receipt != null && state != State.ENDED) {
            server.metrics().receipts.increment();
            sendFrame(StompFrame.of(StompCommand.RECEIPT, "receipt-id", receipt));
        }
    }

    /** Sends an ERROR for the frame and ends the session; false, for the frame handlers to return. */
    private boolean fail(StompFrame frame, String message, String detail) {
        error(message, detail, frame.header("receipt"), CloseCodes.PROTOCOL_ERROR);
        return false;
    }

    private void error(String message, String detail, String receipt, CloseCodes code) {
        if (state == State.ENDED) {
            return;
        }
        server.metrics().errorsSent.increment();
        StompHeaders headers = StompHeaders.of("message", message, "content-type", "text/plain");
        if (receipt != null) {
            headers = headers.with("receipt-id", receipt);
        }
        sendFrame(new StompFrame(StompCommand.ERROR, headers, detail.getBytes(StandardCharsets.UTF_8)));
        LOG.fine(() -> "STOMP " + id + " error: " + message + ": " + detail);
        end(code, message);
    }

    private void sendFrame(StompFrame frame) {
        output.frame(frame, version);
    }

    /** Ends the session: after what is queued (a last ERROR or RECEIPT) is written, the connection closes. */
    private void end(CloseCodes code, String reason) {
        release(reason);
        connection.closeAfterSent(new CloseReason(code, reason));
    }

    /** The transport closed (or we did): drop subscriptions (their unacknowledged messages go to others). */
    synchronized void closed() {
        release("connection closed");
    }

    private void release(String reason) {
        if (state == State.ENDED) {
            return;
        }
        boolean wasConnected = state == State.CONNECTED;
        state = State.ENDED;
        server.ended(this);
        ended = true;
        server.metrics().sessionsOpen.decrement();
        heartBeats.stop();
        if (expiry != null) {
            expiry.cancel(false);
        }
        quota.connected();
        transactions.clear();
        decoder.release();
        subscriptions.releaseAll();
        if (wasConnected) {
            hooks.disconnected(reason);
        }
    }

    // ---- deliveries (publishers' threads) ---------------------------------------------------

    @Override
    public boolean deliver(Subscription subscription, Message message, boolean redelivered) {
        if (ended) {
            return false; // ending: a last ERROR or RECEIPT is on its way, nothing more goes after it
        }
        return output.deliver(subscription, message, redelivered, version);
    }
}
