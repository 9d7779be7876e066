package dev.switchboard.testing;

import dev.switchboard.session.Connection;
import dev.switchboard.session.ConnectionInfo;
import dev.switchboard.session.MemoryBudget;
import jakarta.websocket.CloseReason;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.util.Map;

/**
 * A {@link Connection} that keeps every message queued on it (text, or binary as the UTF-8 text it
 * encodes) and the last one as it came (joined from its parts), for tests of what protocol code
 * hands a transport. Refuses everything once closed or told to {@link #refuse}.
 */
public class RecordingConnection implements Connection {

    private final MemoryBudget.Account account =
            new MemoryBudget(new MemoryBudget.Limits(1 << 24, 1 << 24, 1 << 24, 100)).open("127.0.0.1");
    private final java.util.List<String> sent = new java.util.ArrayList<>();
    private String text;
    private byte[] bytes;
    private boolean refusing;
    private CloseReason closedWith;

    public synchronized void refuse() {
        refusing = true;
    }

    /** Every message queued so far, in order. */
    public synchronized java.util.List<String> sent() {
        return java.util.List.copyOf(sent);
    }

    public synchronized String text() {
        return text != null ? text : new String(bytes, StandardCharsets.UTF_8);
    }

    public synchronized byte[] bytes() {
        return bytes;
    }

    public synchronized boolean binary() {
        return bytes != null;
    }

    public synchronized CloseReason closedWith() {
        return closedWith;
    }

    @Override
    public String id() {
        return "recording";
    }

    @Override
    public Principal principal() {
        return null;
    }

    @Override
    public ConnectionInfo info() {
        return new ConnectionInfo("127.0.0.1", URI.create("ws://127.0.0.1/"), Map.of(), Map.of(), null);
    }

    @Override
    public MemoryBudget.Account account() {
        return account;
    }

    @Override
    public synchronized boolean sendText(String message) {
        if (refusing || closedWith != null) {
            return false;
        }
        text = message;
        bytes = null;
        sent.add(message);
        return true;
    }

    @Override
    public boolean sendTextBatched(String... parts) {
        return sendText(String.join("", parts));
    }

    @Override
    public synchronized boolean sendBinaryBatched(byte[]... parts) {
        if (refusing || closedWith != null) {
            return false;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        bytes = out.toByteArray();
        text = null;
        sent.add(new String(bytes, StandardCharsets.UTF_8));
        return true;
    }

    @Override
    public boolean sendBinary(ByteBuffer data) {
        byte[] copy = new byte[data.remaining()];
        data.duplicate().get(copy);
        return sendBinaryBatched(copy);
    }

    @Override
    public synchronized void close(CloseReason reason) {
        closedWith = reason;
    }

    @Override
    public void closeAfterSent(CloseReason reason) {
        close(reason);
    }

    @Override
    public synchronized boolean isOpen() {
        return closedWith == null;
    }
}
