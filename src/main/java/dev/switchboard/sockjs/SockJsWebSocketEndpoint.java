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
import java.util.List;
import java.util.logging.Logger;

/**
 * {@code /sockjs/{service}/{server}/{session}/websocket}: SockJS's websocket transport. Every
 * such connection is a session of its own (the ids in the URL only serve load balancers); the
 * client sends JSON arrays of strings (or one string), empty messages are ignored, and broken
 * JSON ends the connection.
 */
@ServerEndpoint(value = "/sockjs/{service}/{server}/{session}/websocket", configurator = HandshakeConfigurator.class)
public class SockJsWebSocketEndpoint {

    private static final Logger LOG = Logger.getLogger(SockJsWebSocketEndpoint.class.getName());

    private SockJsServer server;
    private SockJsWebSocketConnection connection;
    private SockJsHandler handler;

    @OnOpen
    public void onOpen(Session session, EndpointConfig config, @PathParam("service") String name) throws IOException {
        server = (SockJsServer) HandshakePolicy.service(config, SockJsServer.KEY);
        SockJsService service = server == null ? null : server.service(name);
        if (service == null || !service.websocket()) {
            session.close(new CloseReason(CloseReason.CloseCodes.VIOLATED_POLICY, "no such SockJS service"));
            return;
        }
        connection = new SockJsWebSocketConnection(
                WebSocketConnection.open(session, config, true, SockJsFrames.MESSAGES));
        server.track(connection);
        connection.sendOpenFrame();
        handler = service.application().open(connection);
    }

    @OnMessage
    public void onText(String part, boolean last) {
        if (connection == null) {
            return;
        }
        String whole = connection.socket().onText(part, last);
        if (whole == null || whole.isEmpty()) {
            return;
        }
        List<String> messages;
        try {
            messages = SockJsJson.messages(whole, true);
        } catch (SockJsJson.BrokenJsonException e) {
            server.brokenJson.increment();
            connection.socket().close(new CloseReason(CloseReason.CloseCodes.PROTOCOL_ERROR, "Broken JSON encoding."));
            return;
        }
        for (String message : messages) {
            handler.onMessage(message);
        }
    }

    @OnClose
    public void onClose(Session session, CloseReason reason) {
        if (connection == null) {
            return;
        }
        server.untrack(connection);
        connection.socket().onClose(reason);
        SockJsHandler.closed(handler);
    }

    @OnError
    public void onError(Session session, Throwable error) {
        WebSocketConnection.onError(connection == null ? null : connection.socket(), session, error, LOG);
    }
}
