package dev.switchboard.stomp;

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
 * {@code /stomp}: STOMP 1.0, 1.1 and 1.2 over WebSocket. Frames may come in text or binary
 * messages, several to a message or one spread over several; message parts go straight into the
 * session's incremental parser, which enforces the STOMP limits, so the container's buffers stay
 * small whatever the frame size. Outgoing frames queued behind a write leave together in one
 * WebSocket message.
 *
 * <p>No Jakarta {@code Decoder} or {@code Encoder} is declared: a decoder sees only whole messages,
 * so the container would buffer every frame whole (up to the frame limit, per connection) before
 * the parser and its limits saw a byte, and a WebSocket message may carry several frames or part
 * of one. Outgoing frames are encoded once per message and leave through the connection's
 * outbound pipeline, not through {@code sendObject}.
 */
@ServerEndpoint(value = "/stomp", subprotocols = {"v12.stomp", "v11.stomp", "v10.stomp"},
        configurator = HandshakeConfigurator.class)
public class StompEndpoint {

    private static final Logger LOG = Logger.getLogger(StompEndpoint.class.getName());

    private WebSocketConnection connection;
    private StompSession stomp;

    @OnOpen
    public void onOpen(Session session, EndpointConfig config) {
        Object server = HandshakePolicy.service(config, StompServer.KEY);
        if (!(server instanceof StompServer stompServer)) {
            throw new IllegalStateException("/stomp opened without the deployment's StompServer (handshake configurator)");
        }
        connection = WebSocketConnection.open(session, config, true);
        stomp = new StompSession(stompServer, connection, session.getNegotiatedSubprotocol(),
                stompServer.binaryMessages());
    }

    @OnMessage
    public void onText(String part, boolean last) {
        if (last) {
            connection.countMessageIn();
        }
        stomp.onText(part);
    }

    @OnMessage
    public void onBinary(ByteBuffer part, boolean last) {
        if (last) {
            connection.countMessageIn();
        }
        stomp.onBinary(part);
    }

    @OnClose
    public void onClose(Session session, CloseReason reason) {
        if (stomp != null) {
            stomp.closed();
        }
        if (connection != null) {
            connection.onClose(reason);
        }
    }

    @OnError
    public void onError(Session session, Throwable error) {
        WebSocketConnection.onError(connection, session, error, LOG);
    }
}
