package dev.switchboard.echo;

import dev.switchboard.handshake.HandshakePolicy;
import dev.switchboard.handshake.HandshakeConfigurator;
import dev.switchboard.session.WebSocketConnection;
import jakarta.websocket.CloseReason;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnError;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;
import java.nio.ByteBuffer;
import java.util.logging.Logger;

/**
 * {@code /echo}: sends every text and binary message back as it came, whole. Messages arrive in
 * parts (the container's buffers are small) and are joined under the size limits; an oversize one
 * closes the connection with 1009.
 */
@ServerEndpoint(value = "/echo", configurator = HandshakeConfigurator.class)
public class EchoEndpoint {

    private static final Logger LOG = Logger.getLogger(EchoEndpoint.class.getName());

    private WebSocketConnection connection;
    private dev.switchboard.security.InboundRate inbound;

    @OnOpen
    public void onOpen(Session session, EndpointConfig config) {
        connection = WebSocketConnection.open(session, config);
        inbound = dev.switchboard.security.InboundRate.forEndpoint(
                HandshakePolicy.service(config, dev.switchboard.security.InboundRate.Limits.KEY), connection.info().remoteAddress());
        LOG.fine(() -> "echo " + session.getId() + " opened from " + connection.info().remoteAddress());
    }

    @OnMessage
    public void onText(String part, boolean last) {
        if (!withinRate(part.length(), last)) {
            return;
        }
        String message = connection.onText(part, last);
        if (message != null) {
            connection.sendText(message);
        }
    }

    @OnMessage
    public void onBinary(ByteBuffer part, boolean last) {
        if (!withinRate(part.remaining(), last)) {
            return;
        }
        ByteBuffer message = connection.onBinary(part, last);
        if (message != null) {
            connection.sendBinary(message);
        }
    }

    private boolean withinRate(int size, boolean last) {
        String over = inbound.part(size, last);
        if (over != null) {
            connection.closeForRate(over);
        }
        return over == null;
    }

    @OnClose
    public void onClose(Session session, CloseReason reason) {
        if (connection != null) {
            connection.onClose(reason);
        }
        LOG.fine(() -> "echo " + session.getId() + " closed: " + reason.getCloseCode().getCode() + " "
                + reason.getReasonPhrase());
    }

    @OnError
    public void onError(Session session, Throwable error) {
        WebSocketConnection.onError(connection, session, error, LOG);
    }
}
