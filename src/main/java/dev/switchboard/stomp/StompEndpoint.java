package dev.switchboard.stomp;

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
 * <p>{@link StompFrameCodec.Decoder} and {@link StompFrameCodec.Encoder} are the Jakarta codec
 * classes for whole-message use (one frame per message); this endpoint reads parts itself because
 * Jakarta decoders see only whole messages, which would make the container buffer every frame.
 */
@ServerEndpoint(value = "/stomp", subprotocols = {"v12.stomp", "v11.stomp", "v10.stomp"},
        configurator = HandshakeConfigurator.class,
        decoders = {StompFrameCodec.Decoder.class}, encoders = {StompFrameCodec.Encoder.class})
public class StompEndpoint {

    private static final Logger LOG = Logger.getLogger(StompEndpoint.class.getName());

    private WebSocketConnection connection;
    private StompSession stomp;

    @OnOpen
    public void onOpen(Session session, EndpointConfig config) {
        Object server = config.getUserProperties().get(StompServer.KEY);
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
            connection.onClose();
        }
    }

    @OnError
    public void onError(Session session, Throwable error) {
        WebSocketConnection.onError(connection, session, error, LOG);
    }
}
