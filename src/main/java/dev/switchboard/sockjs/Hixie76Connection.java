package dev.switchboard.sockjs;

import dev.switchboard.session.ConnectionInfo;
import dev.switchboard.session.SessionEnvironment;
import dev.switchboard.session.SessionRegistry.CloseCause;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpUpgradeHandler;
import jakarta.servlet.http.WebConnection;
import jakarta.websocket.CloseReason;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.Principal;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The hixie-76 WebSocket draft (2010) for SockJS's websocket URLs, over the Servlet upgrade API:
 * what Jakarta WebSocket containers no longer speak and SockJS servers still accept. The response
 * headers go out before the client's 8-byte nonce arrives (as proxies like HAProxy require), then
 * the 16-byte answer; frames are {@code 0x00 text 0xFF}, the close {@code 0xFF 0x00}. Reads and
 * writes are non-blocking. Carries SockJS framing on session URLs, plain messages on the raw URL.
 */
public final class Hixie76Connection implements HttpUpgradeHandler, ReadListener, WriteListener, TextConnection,
        SockJsServer.Beating {

    private static final Logger LOG = Logger.getLogger(Hixie76Connection.class.getName());
    private static final AtomicLong IDS = new AtomicLong();

    private SockJsServer server;
    private SockJsService service;
    private boolean raw;
    private long key1;
    private long key2;
    private ConnectionInfo info;
    private dev.switchboard.session.MemoryBudget.Account account;
    private dev.switchboard.session.OutboundGrant grant; // guarded by itself
    private SessionEnvironment environment;
    private final String id = "hixie76-" + IDS.incrementAndGet();

    private WebConnection web;
    private ServletInputStream in;
    private ServletOutputStream out;
    private final byte[] buffer = new byte[4096];
    private final ByteArrayOutputStream nonce = new ByteArrayOutputStream(8);
    private ByteArrayOutputStream frame;          // the text frame being read, or null between frames
    private boolean closingByte;                  // read 0xFF: the close's 0x00 follows
    private SockJsHandler handler;

    private final Queue<byte[]> outbound = new ConcurrentLinkedQueue<>();
    private final AtomicLong outboundBytes = new AtomicLong();
    private final PumpGuard guard = new PumpGuard();
    private boolean unflushed;
    private final AtomicBoolean closing = new AtomicBoolean();
    private final AtomicBoolean ended = new AtomicBoolean();
    private volatile boolean closeWhenDrained;
    private volatile long lastSent = System.nanoTime();

    /** Called by the upgrade filter right after {@code request.upgrade}. */
    void configure(SockJsServer server, SockJsService service, boolean raw, long key1, long key2, ConnectionInfo info) {
        this.server = server;
        this.service = service;
        this.raw = raw;
        this.key1 = key1;
        this.key2 = key2;
        this.info = info;
        this.account = server.environment().budget().open(info.remoteAddress());
        this.grant = new dev.switchboard.session.OutboundGrant(account);
        this.environment = server.environment();
    }

    /** A hixie-76 key: its digits as a number divided by its count of spaces; -1 when malformed. */
    static long keyNumber(String key) {
        long digits = 0;
        int spaces = 0;
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c >= '0' && c <= '9') {
                digits = digits * 10 + (c - '0');
                if (digits > 0xffffffffL * 12) {
                    return -1;
                }
            } else if (c == ' ') {
                spaces++;
            }
        }
        if (spaces == 0 || digits % spaces != 0) {
            return -1;
        }
        return digits / spaces;
    }

    static byte[] answer(long key1, long key2, byte[] nonce) {
        ByteBuffer challenge = ByteBuffer.allocate(16);
        challenge.putInt((int) key1).putInt((int) key2).put(nonce, 0, 8);
        try {
            return MessageDigest.getInstance("MD5").digest(challenge.array());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void init(WebConnection connection) {
        this.web = connection;
        try {
            in = connection.getInputStream();
            out = connection.getOutputStream();
        } catch (IOException e) {
            LOG.log(Level.FINE, "hixie-76 upgrade failed", e);
            end();
            return;
        }
        environment.registry().add(this);
        server.track(this);
        out.setWriteListener(this);
        in.setReadListener(this);
    }

    // ---- reading ----

    @Override
    public void onDataAvailable() throws IOException {
        int n;
        while (in.isReady() && (n = in.read(buffer)) != -1) {
            for (int i = 0; i < n && !closing.get(); i++) {
                read(buffer[i]);
            }
        }
    }

    private void read(byte b) {
        if (nonce.size() < 8) {
            nonce.write(b);
            if (nonce.size() == 8) {
                queue(answer(key1, key2, nonce.toByteArray()));
                if (!raw) {
                    queue(textFrame("o"));
                }
                handler = service.application().open(this);
            }
            return;
        }
        if (closingByte) {
            close(new CloseReason(CloseReason.CloseCodes.NORMAL_CLOSURE, ""));
            return;
        }
        if (frame == null) {
            if (b == 0x00) {
                frame = new ByteArrayOutputStream();
            } else if ((b & 0xff) == 0xff) {
                closingByte = true;
            } else {
                protocolError("hixie-76: unsupported frame type " + (b & 0xff));
            }
            return;
        }
        if ((b & 0xff) == 0xff) {
            String text = frame.toString(StandardCharsets.UTF_8);
            frame = null;
            message(text);
            return;
        }
        if (frame.size() >= environment.limits().textMessageMax() * 4L) {
            environment.registry().countClose(CloseCause.MESSAGE_TOO_BIG);
            close(new CloseReason(CloseReason.CloseCodes.TOO_BIG, "message too big"));
            return;
        }
        frame.write(b);
    }

    private void message(String text) {
        environment.registry().countIn();
        if (raw) {
            handler.onMessage(text);
            return;
        }
        if (text.isEmpty()) {
            return;
        }
        List<String> messages;
        try {
            messages = SockJsJson.messages(text, true);
        } catch (SockJsJson.BrokenJsonException e) {
            server.brokenJson.increment();
            protocolError("Broken JSON encoding.");
            return;
        }
        for (String message : messages) {
            handler.onMessage(message);
        }
    }

    private void protocolError(String why) {
        LOG.fine(() -> id + ": " + why);
        if (closing.compareAndSet(false, true)) {
            outbound.clear();
            end();
        }
    }

    @Override
    public void onAllDataRead() {
        end();
    }

    @Override
    public void onError(Throwable t) {
        LOG.log(Level.FINE, id + " failed", t);
        end();
    }

    // ---- writing ----

    private static byte[] textFrame(String text) {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        byte[] frame = new byte[utf8.length + 2];
        frame[0] = 0x00;
        System.arraycopy(utf8, 0, frame, 1, utf8.length);
        frame[frame.length - 1] = (byte) 0xff;
        return frame;
    }

    private boolean queue(byte[] bytes) {
        if (ended.get()) {
            return false;
        }
        long backlog = outboundBytes.addAndGet(bytes.length);
        boolean covered;
        synchronized (grant) {
            covered = grant.cover(backlog);
            if (ended.get()) {
                grant.releaseAll(); // ended meanwhile: nothing will be written
                return false;
            }
        }
        if (backlog > bytes.length && (backlog > environment.limits().outboundMax() || !covered)) {
            environment.registry().countClose(CloseCause.SLOW_CONSUMER);
            protocolError("slow consumer");
            return false;
        }
        outbound.add(bytes);
        lastSent = System.nanoTime();
        try {
            environment.writers().execute(this::pump);
        } catch (java.util.concurrent.RejectedExecutionException stopping) {
            pump();
        }
        return true;
    }

    @Override
    public void onWritePossible() {
        pump();
    }

    private void pump() {
        if (!guard.enter()) {
            return; // the pumping thread goes round once more
        }
        try {
            while (!ended.get()) {
                if (!out.isReady()) {
                    if (guard.tryLeave()) {
                        return; // onWritePossible follows
                    }
                    continue;
                }
                if (unflushed) {
                    unflushed = false;
                    out.flush();
                    continue;
                }
                byte[] next = outbound.poll();
                if (next == null) {
                    if (closeWhenDrained) {
                        guard.leave();
                        end();
                        return;
                    }
                    if (guard.tryLeave()) {
                        return;
                    }
                    continue;
                }
                long left = outboundBytes.addAndGet(-next.length);
                synchronized (grant) {
                    grant.shrunk(left);
                }
                out.write(next);
                unflushed = true;
            }
            guard.leave();
        } catch (IOException | RuntimeException e) {
            guard.leave();
            LOG.log(Level.FINE, id + " write failed", e);
            end();
        }
    }

    // ---- the Connection ----

    @Override
    public boolean sendText(String text) {
        if (closing.get()) {
            return false;
        }
        environment.registry().countOut();
        return queue(textFrame(raw ? text : "a[" + SockJsJson.quote(text) + "]"));
    }

    @Override
    public boolean sendTextBatched(String... parts) {
        StringBuilder text = new StringBuilder();
        for (String part : parts) {
            text.append(part);
        }
        return sendText(text.toString());
    }



    @Override
    public void close(CloseReason reason) {
        closeAfterSent(reason);
    }

    /** Sends SockJS's close frame (session URLs), then the hixie-76 close, then ends the connection. */
    @Override
    public void closeAfterSent(CloseReason reason) {
        if (!closing.compareAndSet(false, true)) {
            return;
        }
        if (!raw) {
            queue(textFrame(SockJsSession.closeFrame(reason.getCloseCode().getCode(), reason.getReasonPhrase())));
        }
        closeWhenDrained = true;
        queue(new byte[] {(byte) 0xff, 0x00});
    }

    @Override
    public boolean isOpen() {
        return !closing.get() && !ended.get();
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

    @Override
    public boolean heartbeatDue(long now, long intervalNanos) {
        if (raw || closing.get() || now - lastSent < intervalNanos) {
            return false;
        }
        return queue(textFrame("h"));
    }

    // ---- the end ----

    /** Ends the connection, once; a round of writes in progress on another thread leaves first (see {@link PumpGuard}). */
    private void end() {
        if (!ended.compareAndSet(false, true)) {
            return;
        }
        closing.set(true);
        try {
            if (!guard.awaitIdle(200, java.util.concurrent.TimeUnit.MILLISECONDS)) {
                LOG.warning(() -> id + ": a write was still in progress when the connection ended");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (server != null) {
            server.untrack(this);
            environment.registry().remove(this);
        }
        if (account != null) {
            synchronized (grant) {
                grant.releaseAll();
            }
            account.close();
        }
        SockJsHandler.closed(handler);
        if (web != null) {
            try {
                web.close();
            } catch (Exception e) {
                LOG.log(Level.FINE, id + " close failed", e);
            }
        }
    }

    @Override
    public void destroy() {
        end();
    }
}
