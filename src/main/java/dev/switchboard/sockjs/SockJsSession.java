package dev.switchboard.sockjs;

import dev.switchboard.session.Connection;
import dev.switchboard.session.ConnectionInfo;
import dev.switchboard.session.SessionRegistry.CloseCause;
import jakarta.websocket.CloseReason;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.util.ArrayDeque;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A SockJS session over the HTTP transports: a {@link Connection} whose messages wait in a
 * bounded queue until a receiving request (a poll or a stream, one at a time) takes them, all
 * that waits leaving as one {@code a[...]} frame. Without a receiving request for the disconnect
 * delay it ends; once closed, it answers every receiving request with its close frame until then.
 */
final class SockJsSession implements TextConnection {

    private static final Logger LOG = Logger.getLogger(SockJsSession.class.getName());
    private static final AtomicLong IDS = new AtomicLong();

    private final SockJsServer server;
    private final SockJsService service;
    private final String sockJsId;
    private final String id;
    private final ConnectionInfo info;
    private final int outboundMax;
    private final long stallNanos;
    private final dev.switchboard.session.MemoryBudget.Account account;
    private final dev.switchboard.session.OutboundGrant grant; // guarded by this, with pendingChars

    // guarded by this
    private final ArrayDeque<Object> pending = new ArrayDeque<>(); // String or String[] (parts)
    private long pendingChars;
    private boolean openFrameSent;
    private String closeFrame;          // set once the session is closed
    private Receiver receiver;
    private long detachedSince;
    private boolean ended;              // forgotten: handler told, registry updated

    private SockJsHandler handler;

    SockJsSession(SockJsServer server, SockJsService service, String sockJsId, ConnectionInfo info) {
        this.server = server;
        this.service = service;
        this.sockJsId = sockJsId;
        this.id = "sockjs-" + IDS.incrementAndGet();
        this.info = info;
        this.account = server.environment().budget().open(info.remoteAddress());
        this.grant = new dev.switchboard.session.OutboundGrant(account);
        this.outboundMax = server.environment().limits().outboundMax();
        this.stallNanos = server.environment().limits().sendTimeout().toNanos();
        this.detachedSince = System.nanoTime();
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

    /** Attaches a receiving request; false when another one is attached (the caller answers 2010). */
    synchronized boolean attach(Receiver candidate) {
        if (receiver != null && receiver.isDone()) {
            receiver = null; // ended before it could tell us
        }
        if (receiver != null) {
            return false;
        }
        receiver = candidate;
        return true;
    }

    /** The attached receiving request, or null. */
    synchronized Receiver receiver() {
        return receiver;
    }

    synchronized void detach(Receiver r) {
        if (receiver == r) {
            receiver = null;
            detachedSince = System.nanoTime();
        }
    }

    /** The receiving request broke (the client went away mid-request): the session is interrupted. */
    void receiverFailed(Receiver r) {
        synchronized (this) {
            if (receiver != r) {
                return;
            }
            receiver = null;
            detachedSince = System.nanoTime();
            if (closeFrame != null) {
                return;
            }
            closeFrame = closeFrame(1002, "Connection interrupted");
            pending.clear();
            pendingChars = 0;
            grant.releaseAll();
        }
        server.interrupted.increment();
        ended();
    }

    /**
     * Under the receiver's pump: the next bytes for it, or null when there is nothing to send now.
     * Sets the receiver's {@code finishing} when its response should end after what it got. What
     * waits is taken under the session's lock; the frame is built (escaped, encoded) outside it.
     */
    byte[] next(Receiver r) {
        String control = null;
        Object[] messages = null;
        int chars = 0;
        synchronized (this) {
            if (r != receiver || r.finishing) {
                r.finishing = true;
                return null;
            }
            if (!openFrameSent) {
                openFrameSent = true;
                control = "o";
            } else if (!pending.isEmpty()) {
                messages = pending.toArray();
                chars = (int) Math.min(Integer.MAX_VALUE / 2, pendingChars);
                pending.clear();
                pendingChars = 0;
                grant.releaseAll();
            } else if (closeFrame != null) {
                if (r.closeSent) {
                    r.finishing = true;
                    return null;
                }
                r.closeSent = true;
                control = closeFrame;
            } else if (r.heartbeatDue) {
                r.heartbeatDue = false;
                server.heartbeats.increment();
                control = "h";
            } else {
                return null;
            }
            r.heartbeatDue = false;
        }
        StringBuilder out;
        if (control != null) {
            out = r.frame(control);
        } else {
            StringBuilder frame = new StringBuilder(chars + chars / 4 + 16 * messages.length);
            frame.append("a[");
            for (int i = 0; i < messages.length; i++) {
                if (i > 0) {
                    frame.append(',');
                }
                frame.append('"');
                if (messages[i] instanceof String text) {
                    SockJsJson.escapeInto(frame, text);
                } else {
                    SockJsJson.escapeParts(frame, (String[]) messages[i]);
                }
                frame.append('"');
            }
            out = r.frame(frame.append(']'));
        }
        byte[] bytes = out.toString().getBytes(StandardCharsets.UTF_8);
        r.lastSent = System.nanoTime();
        r.sent += bytes.length;
        if (!r.transport.streaming || r.closeSent || r.sent >= service.streamLimit()) {
            r.finishing = true;
        }
        return bytes;
    }

    // ---- sending: the Connection ----

    private boolean enqueue(Object item, int chars) {
        Receiver wake;
        synchronized (this) {
            if (closeFrame != null) {
                return false;
            }
            if (pendingChars > 0 && (pendingChars + chars > outboundMax || !grant.cover(2 * (pendingChars + chars)))
                    || receiver != null && receiver.stalledFor(System.nanoTime()) > stallNanos) {
                wake = slowConsumer();
            } else {
                pending.add(item);
                pendingChars += chars;
                server.environment().registry().countOut();
                wake = receiver;
            }
        }
        if (wake != null) {
            wake.wake(server.environment().writers());
        }
        return closeFrame == null;
    }

    /** Under the lock: the client does not take its messages fast enough. */
    private Receiver slowConsumer() {
        pending.clear();
        pendingChars = 0;
        grant.releaseAll();
        closeFrame = closeFrame(CloseReason.CloseCodes.VIOLATED_POLICY.getCode(),
                "slow consumer: over " + outboundMax + " waiting to be sent");
        server.environment().registry().countClose(CloseCause.SLOW_CONSUMER);
        runOffThread(this::ended);
        return receiver;
    }

    @Override
    public boolean sendText(String text) {
        return enqueue(text, text.length());
    }

    @Override
    public boolean sendTextBatched(String... parts) {
        int length = 0;
        for (String part : parts) {
            length += part.length();
        }
        return enqueue(parts, length);
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
        Receiver wake;
        synchronized (this) {
            if (closeFrame != null) {
                return;
            }
            closeFrame = closeFrame(reason.getCloseCode().getCode(), reason.getReasonPhrase());
            if (!afterPending) {
                pending.clear();
                pendingChars = 0;
                grant.releaseAll();
            }
            wake = receiver;
        }
        runOffThread(this::ended);
        if (wake != null) {
            wake.wake(server.environment().writers());
        }
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
    public dev.switchboard.session.MemoryBudget.Account account() {
        return account;
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

    /** The sweep: heart-beat to an idle receiver, or end a session nobody has polled for the delay. */
    void sweep(long now) {
        Receiver wake = null;
        boolean expire = false;
        synchronized (this) {
            if (receiver != null) {
                if (now - receiver.lastSent >= server.options().heartbeat().toNanos() && !receiver.heartbeatDue) {
                    receiver.heartbeatDue = true;
                    wake = receiver;
                } else if (!pending.isEmpty() && receiver.stalledFor(now) > stallNanos) {
                    wake = slowConsumer();
                }
            } else if (now - detachedSince > server.options().disconnectDelay().toNanos()) {
                expire = true;
                if (closeFrame == null) {
                    closeFrame = closeFrame(3000, "Go away!");
                    server.timedOut.increment();
                }
            }
        }
        if (expire) {
            server.forget(this);
            ended();
        } else if (wake != null) {
            wake.wake(server.environment().writers());
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
        synchronized (this) {
            grant.releaseAll();
        }
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

    static String closeFrame(int code, String reason) {
        StringBuilder out = new StringBuilder("c[").append(code).append(',');
        SockJsJson.quote(out, reason == null ? "" : reason);
        return out.append(']').toString();
    }
}
