package dev.switchboard.sockjs;

import dev.switchboard.session.ConnectionInfo;
import dev.switchboard.session.WebSocketConnection;
import jakarta.websocket.CloseReason;
import java.security.Principal;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A SockJS session over the websocket transport: SockJS frames ({@code o}, {@code h},
 * {@code a[...]}, {@code c[...]}) inside WebSocket messages. Messages that pile up behind a
 * write leave in one {@code a[...]} frame.
 */
final class SockJsWebSocketConnection implements TextConnection, SockJsServer.Beating {

    private final WebSocketConnection ws;
    private final AtomicBoolean closing = new AtomicBoolean();

    SockJsWebSocketConnection(WebSocketConnection ws) {
        this.ws = ws;
    }

    WebSocketConnection socket() {
        return ws;
    }

    void sendOpenFrame() {
        ws.sendControl(SockJsFrames.OPEN);
    }

    @Override
    public boolean heartbeatDue(long now, long intervalNanos) {
        return !closing.get() && ws.heartbeat(SockJsFrames.HEARTBEAT, now, intervalNanos);
    }

    @Override
    public String id() {
        return ws.id();
    }

    @Override
    public Principal principal() {
        return ws.principal();
    }

    @Override
    public ConnectionInfo info() {
        return ws.info();
    }

    @Override
    public dev.switchboard.session.MemoryBudget.Account account() {
        return ws.account();
    }

    @Override
    public boolean sendText(String text) {
        return ws.sendText(text);
    }

    @Override
    public boolean sendTextBatched(String... parts) {
        return ws.sendTextBatched(parts);
    }



    /** Sends the close frame {@code c[code,"reason"]}, then closes the socket once it is written. */
    @Override
    public void close(CloseReason reason) {
        closeAfterSent(reason);
    }

    @Override
    public void closeAfterSent(CloseReason reason) {
        if (!closing.compareAndSet(false, true)) {
            return;
        }
        int code = reason.getCloseCode().getCode();
        // the socket's own close code: the SockJS one where WebSocket allows it to be sent
        boolean sendable = code == 1000 || code == 1001 || code == 1008 || code == 1009 || code == 1011
                || code >= 3000 && code <= 4999;
        ws.closeAfter(SockJsFrames.close(code, reason.getReasonPhrase()), sendable ? reason
                : new CloseReason(CloseReason.CloseCodes.NORMAL_CLOSURE, reason.getReasonPhrase()));
    }

    @Override
    public boolean isOpen() {
        return !closing.get() && ws.isOpen();
    }
}
