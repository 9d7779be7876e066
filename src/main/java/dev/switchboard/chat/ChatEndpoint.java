package dev.switchboard.chat;

import dev.switchboard.broker.AckMode;
import dev.switchboard.broker.BrokerException;
import dev.switchboard.broker.Message;
import dev.switchboard.broker.Subscriber;
import dev.switchboard.broker.Subscription;
import dev.switchboard.handshake.HandshakeConfigurator;
import dev.switchboard.session.WebSocketConnection;
import jakarta.websocket.CloseReason;
import jakarta.websocket.DecodeException;
import jakarta.websocket.EncodeException;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnError;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.Session;
import jakarta.websocket.server.PathParam;
import jakarta.websocket.server.ServerEndpoint;
import java.security.Principal;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;

/**
 * {@code /chat/{room}?nickname=alice}: chat for clients without STOMP, one JSON message per
 * WebSocket message ({@link ChatCodec}). Connecting joins the room (history, then a SYSTEM
 * message with who is there; the room hears an ENTER), closing leaves it. The client sends
 * {@code {"type":"TALK","text":"hi"}}; it receives every room message as the STOMP clients of
 * {@code /topic/chat.{room}} do, and shares the room with them. What it sends wrong gets a SYSTEM
 * message to it alone; the connection stays.
 */
@ServerEndpoint(value = "/chat/{room}", configurator = HandshakeConfigurator.class,
        decoders = ChatCodec.Decoder.class, encoders = ChatCodec.Encoder.class)
public class ChatEndpoint implements Subscriber {

    private static final Logger LOG = Logger.getLogger(ChatEndpoint.class.getName());

    private WebSocketConnection connection;
    private dev.switchboard.security.InboundRate inbound;
    private ChatService chat;
    private Subscription subscription;
    private String room;
    private String nickname;
    private final ChatCodec.Decoder decoder = new ChatCodec.Decoder();
    private final ChatCodec.Encoder encoder = new ChatCodec.Encoder();

    @OnOpen
    public void onOpen(Session session, EndpointConfig config, @PathParam("room") String room) {
        Object service = config.getUserProperties().get(ChatService.KEY);
        if (!(service instanceof ChatService chatService)) {
            throw new IllegalStateException("/chat opened without the deployment's ChatService (handshake configurator)");
        }
        this.chat = chatService;
        this.room = room;
        connection = WebSocketConnection.open(session, config);
        inbound = dev.switchboard.security.InboundRate.forEndpoint(config, connection.info().remoteAddress());
        decoder.init(config);
        encoder.init(config);
        if (!ChatService.validRoom(room)) {
            connection.close(new CloseReason(CloseReason.CloseCodes.VIOLATED_POLICY,
                    "a room name is 1 to 64 letters, digits, '-' or '_'"));
            return;
        }
        List<String> nick = session.getRequestParameterMap().get("nickname");
        nickname = nick == null || nick.isEmpty() ? null : ChatService.nickname(nick.get(0));
        try {
            subscription = chat.broker().subscribe(this, connection.id(), "chat", ChatService.TOPIC_PREFIX + room,
                    AckMode.AUTO, null, nickname == null ? Map.of() : Map.of("nickname", nickname));
        } catch (BrokerException e) {
            connection.close(new CloseReason(CloseReason.CloseCodes.UNEXPECTED_CONDITION, "cannot join: " + e.getMessage()));
        }
    }

    @OnMessage
    public void onText(String part, boolean last) {
        if (!withinRate(part.length(), last)) {
            return;
        }
        String whole = connection.onText(part, last);
        if (whole == null || subscription == null) {
            return;
        }
        ChatMessage message;
        try {
            message = decoder.decode(whole);
        } catch (DecodeException e) {
            notice("error: " + e.getMessage());
            return;
        }
        if (message.type != null && message.type != ChatMessage.Type.TALK) {
            notice("error: clients send TALK messages; ENTER, LEAVE and SYSTEM come from the server");
            return;
        }
        try {
            chat.talk(room, connection.principal(), nickname != null ? nickname : message.sender, connection.id(),
                    message.text);
        } catch (ChatException e) {
            notice("error: " + e.getMessage());
        }
    }

    private void notice(String text) {
        try {
            connection.sendText(encoder.encode(chat.notice(room, text)));
        } catch (EncodeException e) {
            LOG.warning(() -> "chat notice not encoded: " + e.getMessage());
        }
    }

    /** A room message from the broker: its JSON goes out as it is (encoded once for every client). */
    @Override
    public boolean deliver(Subscription s, Message message, boolean redelivered) {
        return connection.sendText(message.text());
    }

    @Override
    public String sessionId() {
        return connection.id();
    }

    @Override
    public Principal principal() {
        return connection.principal();
    }

    @Override
    public dev.switchboard.session.MemoryBudget.Account account() {
        return connection == null ? null : connection.account();
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
        if (subscription != null) {
            chat.broker().unsubscribe(subscription);
            subscription = null;
        }
        if (connection != null) {
            connection.onClose();
        }
        decoder.destroy();
        encoder.destroy();
    }

    @OnError
    public void onError(Session session, Throwable error) {
        WebSocketConnection.onError(connection, session, error, LOG);
    }
}
