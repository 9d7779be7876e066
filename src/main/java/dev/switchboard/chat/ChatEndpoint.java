package dev.switchboard.chat;

import dev.switchboard.handshake.HandshakePolicy;
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
 * WebSocket message. The container decodes what a client sends with {@link ChatCodec.Decoder}
 * (declared below, and the only way a message reaches {@link #onMessage}); what fails to decode
 * comes to {@link #onError} as a {@code DecodeException} and is answered, the connection kept.
 * No container {@code Encoder} is declared: a room message is encoded to JSON once, by
 * {@link ChatService}, for every member, and leaves through the connection's bounded outbound
 * pipeline; an {@code Encoder} would encode per recipient and write around that pipeline. The
 * container holds a whole message, so its text buffer is sized for the longest chat message
 * (twice {@code chat.message.max} plus 256 characters of JSON); a longer one closes with 1009. Connecting joins the room (history, then a SYSTEM
 * message with who is there; the room hears an ENTER), closing leaves it. The client sends
 * {@code {"type":"TALK","text":"hi"}}; it receives every room message as the STOMP clients of
 * {@code /topic/chat.{room}} do, and shares the room with them. What it sends wrong gets a SYSTEM
 * message to it alone; the connection stays.
 */
@ServerEndpoint(value = "/chat/{room}", configurator = HandshakeConfigurator.class, decoders = ChatCodec.Decoder.class)
public class ChatEndpoint implements Subscriber {

    private static final Logger LOG = Logger.getLogger(ChatEndpoint.class.getName());

    private WebSocketConnection connection;
    private dev.switchboard.security.InboundRate inbound;
    private ChatService chat;
    private Subscription subscription;
    private String room;
    private String nickname;
    private final ChatCodec.Encoder encoder = new ChatCodec.Encoder();

    @OnOpen
    public void onOpen(Session session, EndpointConfig config, @PathParam("room") String room) {
        Object service = HandshakePolicy.service(config, ChatService.KEY);
        if (!(service instanceof ChatService chatService)) {
            throw new IllegalStateException("/chat opened without the deployment's ChatService (handshake configurator)");
        }
        this.chat = chatService;
        this.room = room;
        connection = WebSocketConnection.open(session, config);
        inbound = dev.switchboard.security.InboundRate.forEndpoint(
                HandshakePolicy.service(config, dev.switchboard.security.InboundRate.Limits.KEY), connection.info().remoteAddress());
        session.setMaxTextMessageBufferSize(Math.min(2 * chatService.limits().messageMax() + 256,
                connection.limits().textMessageMax()));
        encoder.init(config);
        if (!ChatNames.validRoom(room)) {
            connection.close(new CloseReason(CloseReason.CloseCodes.VIOLATED_POLICY,
                    "a room name is 1 to 64 letters, digits, '-' or '_'"));
            return;
        }
        List<String> nick = session.getRequestParameterMap().get("nickname");
        nickname = nick == null || nick.isEmpty() ? null : ChatNames.nickname(nick.get(0));
        try {
            subscription = chat.broker().subscribe(this, connection.id(), "chat", ChatService.TOPIC_PREFIX + room,
                    AckMode.AUTO, null, nickname == null ? Map.of() : Map.of("nickname", nickname));
        } catch (BrokerException e) {
            connection.close(new CloseReason(CloseReason.CloseCodes.UNEXPECTED_CONDITION, "cannot join: " + e.getMessage()));
        }
    }

    /** A whole message, decoded by the container with {@link ChatCodec.Decoder}. */
    @OnMessage
    public void onMessage(ChatMessage message) {
        if (subscription == null || !withinRate(message)) {
            return;
        }
        connection.countMessageIn();
        if (message.type != null && message.type != ChatMessage.Type.TALK) {
            notice("error: clients send TALK messages; ENTER, LEAVE and SYSTEM come from the server");
            return;
        }
        try {
            chat.talk(room, connection.principal(), nickname, connection.id(), message.text);
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

    private boolean withinRate(ChatMessage message) {
        int size = 64 + (message.text == null ? 0 : message.text.length())
                + (message.sender == null ? 0 : message.sender.length());
        String over = inbound.part(size, true);
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
            connection.onClose(reason);
        }
        encoder.destroy();
    }

    /** A message the decoder refused is answered to its sender alone; anything else is the connection's error. */
    @OnError
    public void onError(Session session, Throwable error) {
        if (error instanceof DecodeException undecodable && connection != null) {
            connection.countMessageIn();
            notice("error: " + undecodable.getMessage());
            return;
        }
        WebSocketConnection.onError(connection, session, error, LOG);
    }
}
