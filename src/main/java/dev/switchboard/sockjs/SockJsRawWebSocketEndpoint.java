package dev.switchboard.sockjs;

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
import jakarta.websocket.server.PathParam;
import jakarta.websocket.server.ServerEndpoint;
import java.io.IOException;
import java.util.logging.Logger;

/**
 * {@code /sockjs/{service}/websocket}: a SockJS service over plain WebSocket, without SockJS
 * framing, for programs that are not browsers: each WebSocket text message is one message.
 */
@ServerEndpoint(value = "/sockjs/{service}/websocket", configurator = HandshakeConfigurator.class)
public class SockJsRawWebSocketEndpoint {

    private static final Logger LOG = Logger.getLogger(SockJsRawWebSocketEndpoint.class.getName());

    private WebSocketConnection connection;
    private SockJsHandler handler;

    @OnOpen
    public void onOpen(Session session, EndpointConfig config, @PathParam("service") String name) throws IOException {
        SockJsServer server = (SockJsServer) HandshakePolicy.service(config, SockJsServer.KEY);
        SockJsService service = server == null ? null : server.service(name);
        if (service == null || !service.websocket()) {
            session.close(new CloseReason(CloseReason.CloseCodes.VIOLATED_POLICY, "no such SockJS service"));
            return;
        }
        connection = WebSocketConnection.open(session, config, service.application().messagesJoinable());
        handler = service.application().open(connection);
    }

    @OnMessage
    public void onText(String part, boolean last) {
        if (connection == null) {
            return;
        }
        String whole = connection.onText(part, last);
        if (whole != null) {
            handler.onMessage(whole);
        }
    }

    @OnClose
    public void onClose(Session session, CloseReason reason) {
        if (connection == null) {
            return;
        }
        connection.onClose(reason);
        SockJsHandler.closed(handler);
    }

    @OnError
    public void onError(Session session, Throwable error) {
        WebSocketConnection.onError(connection, session, error, LOG);
    }
}
