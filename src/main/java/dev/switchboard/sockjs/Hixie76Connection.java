package dev.switchboard.sockjs;

import dev.switchboard.session.Batch;
import dev.switchboard.session.ConnectionInfo;
import dev.switchboard.session.Outbound;
import dev.switchboard.session.OutboundSink;
import dev.switchboard.session.Outgoing;
import dev.switchboard.session.SessionLimits;
import dev.switchboard.session.SessionEnvironment;
import dev.switchboard.session.SessionRegistry.CloseCause;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
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
 *
 * <p>Just over 400 lines: the draft's handshake answer, its frame reader and its sink share one
 * connection's state; the queueing is the shared {@link Outbound} pipeline.
 */
public final class Hixie76Connection implements HttpUpgradeHandler, ReadListener, TextConnection, OutboundSink,
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
    private Outbound outbound;
    private SessionEnvironment environment;
    private final String id = "hixie76-" + IDS.incrementAndGet();

    private WebConnection web;
    private ServletInputStream in;
    private StreamWriter writer;
    private final byte[] buffer = new byte[4096];
    private final ByteArrayOutputStream nonce = new ByteArrayOutputStream(8);
    private ByteArrayOutputStream frame;          // the text frame being read, or null between frames
    private boolean closingByte;                  // read 0xFF: the close's 0x00 follows
    private SockJsHandler handler;

    private final AtomicBoolean closing = new AtomicBoolean();
    private final AtomicBoolean ended = new AtomicBoolean();
    private static final byte[] CLOSE = {(byte) 0xff, 0x00};

    /** Called by the upgrade filter right after {@code request.upgrade}. */
    void configure(SockJsServer server, SockJsService service, boolean raw, long key1, long key2, ConnectionInfo info) {
        this.server = server;
        this.service = service;
        this.raw = raw;
        this.key1 = key1;
        this.key2 = key2;
        this.info = info;
        this.account = server.environment().budget().open(info.remoteAddress());
        this.environment = server.environment();
        SessionLimits limits = environment.limits();
        this.outbound = new Outbound(this, limits.outboundMax(), limits.sendTimeout(), limits.coalesceMax(), account,
                this::writeFailed);
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
            writer = new StreamWriter(connection.getOutputStream(), this::writeFailed);
        } catch (IOException e) {
            LOG.log(Level.FINE, "hixie-76 upgrade failed", e);
            end();
            return;
        }
        environment.registry().add(this);
        server.track(this);
        writer.listen();
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
                outbound.offer(new Outgoing.Binary(ByteBuffer.wrap(answer(key1, key2, nonce.toByteArray()))));
                if (!raw) {
                    outbound.offer(new Outgoing.Control(SockJsFrames.OPEN));
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
            outbound.abort();
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

    // ---- writing: the pipeline's sink ----

    /**
     * A batch as hixie-76 frames: messages in one {@code a[...]} frame (on the raw URL each in a
     * frame of its own), a control frame alone; binary items are bytes of the protocol itself
     * (the handshake's answer, the closing {@code 0xFF 0x00}) and leave as they are.
     */
    @Override
    public void write(Batch batch, boolean onWriter, Done done) {
        byte[] bytes = switch (batch.kind()) {
            case TEXT -> {
                ByteArrayOutputStream frames = new ByteArrayOutputStream(batch.size() + 16);
                if (raw) {
                    for (int i = 0; i < batch.count(); i++) {
                        StringBuilder text = new StringBuilder();
                        batch.appendText(i, text);
                        frames.writeBytes(textFrame(text.toString()));
                    }
                } else {
                    frames.writeBytes(textFrame(SockJsFrames.messages(batch)));
                }
                yield frames.toByteArray();
            }
            case CONTROL -> textFrame(batch.controlText());
            case BINARY -> {
                java.nio.ByteBuffer joined = batch.joinedBinary();
                byte[] out = new byte[joined.remaining()];
                joined.get(out);
                yield out;
            }
            case PROBE -> null;
        };
        if (bytes == null) {
            done.written(false);
            return;
        }
        writer.write(bytes, () -> done.written(false), done::failed);
    }

    private static byte[] textFrame(String text) {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        byte[] frame = new byte[utf8.length + 2];
        frame[0] = 0x00;
        System.arraycopy(utf8, 0, frame, 1, utf8.length);
        frame[frame.length - 1] = (byte) 0xff;
        return frame;
    }

    private boolean offered(Outbound.Offer result) {
        switch (result) {
            case QUEUED -> {
                return true;
            }
            case OVERFLOW -> {
                environment.registry().countClose(CloseCause.SLOW_CONSUMER);
                protocolError("slow consumer");
            }
            default -> { }
        }
        return false;
    }

    private void writeFailed(Throwable cause) {
        LOG.log(Level.FINE, id + " write failed", cause);
        closing.set(true);
        end();
    }

    // ---- the Connection ----

    @Override
    public boolean sendText(String text) {
        if (closing.get()) {
            return false;
        }
        if (offered(outbound.offer(new Outgoing.Text(text), environment.writers()))) {
            environment.registry().countOut();
            return true;
        }
        return false;
    }

    @Override
    public boolean sendTextBatched(String... parts) {
        if (closing.get()) {
            return false;
        }
        if (offered(outbound.offer(Outgoing.TextParts.of(parts), environment.writers()))) {
            environment.registry().countOut();
            return true;
        }
        return false;
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
            outbound.offer(new Outgoing.Control(SockJsFrames.close(reason.getCloseCode().getCode(),
                    reason.getReasonPhrase())));
        }
        // the close action runs on the thread that wrote the last bytes: it must not wait for itself
        outbound.close(new Outgoing.Binary(ByteBuffer.wrap(CLOSE)), false, () -> {
            writer.close();
            end();
        });
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
        return !raw && !closing.get()
                && outbound.heartbeat(new Outgoing.Control(SockJsFrames.HEARTBEAT), now, intervalNanos, environment.writers());
    }

    // ---- the end ----

    /** Ends the connection, once; a round of writes in progress on another thread leaves first (see {@link PumpGuard}). */
    private void end() {
        if (!ended.compareAndSet(false, true)) {
            return;
        }
        closing.set(true);
        if (outbound != null) {
            outbound.abort();
        }
        if (writer != null && !writer.end(new java.io.IOException("connection ended"))) {
            LOG.fine(() -> id + ": a write was still in progress when the connection ended");
        }
        if (server != null) {
            server.untrack(this);
            environment.registry().remove(this);
        }
        if (account != null) {
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
