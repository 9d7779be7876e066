package dev.switchboard.it;

import dev.switchboard.handshake.HandshakeConfigurator;
import dev.switchboard.session.ConnectionInfo;
import dev.switchboard.session.WebSocketConnection;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnError;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.logging.Logger;

/**
 * A test endpoint built the way product endpoints are: says what the handshake copied, throws on
 * "boom" (a handler bug), echoes anything else.
 */
@ServerEndpoint(value = "/probe", subprotocols = {"v12.stomp", "v11.stomp", "v10.stomp"},
        configurator = HandshakeConfigurator.class)
public class ProbeEndpoint {

    private static final Logger LOG = Logger.getLogger(ProbeEndpoint.class.getName());
    private static final Jsonb JSON = JsonbBuilder.create();

    private WebSocketConnection connection;

    @OnOpen
    public void onOpen(Session session, EndpointConfig config) {
        connection = WebSocketConnection.open(session, config);
        ConnectionInfo info = connection.info();
        Map<String, Object> described = new LinkedHashMap<>();
        described.put("remoteAddress", info.remoteAddress());
        described.put("requestUri", info.requestUri().toString());
        described.put("subprotocol", session.getNegotiatedSubprotocol());
        described.put("headers", info.headers());
        described.put("httpSession", info.attributes());
        connection.sendText(JSON.toJson(described));
    }

    @OnMessage
    public void onText(String part, boolean last) {
        String message = connection.onText(part, last);
        if ("boom".equals(message)) {
            throw new IllegalStateException("the probe was asked to fail");
        }
        if (message != null) {
            connection.sendText(message);
        }
    }

    @OnClose
    public void onClose() {
        connection.onClose();
    }

    @OnError
    public void onError(Throwable error) {
        connection.onError(error, LOG);
    }
}
