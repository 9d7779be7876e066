package dev.switchboard.chat;

import dev.switchboard.api.DestinationVariable;
import dev.switchboard.api.MessageMapping;
import dev.switchboard.api.MessagingException;
import dev.switchboard.api.MessagingSession;

/**
 * {@code /app/chat/{room}} for STOMP clients: the body is {@code {"type":"TALK","text":"hi"}}; the
 * sender is who the session is (its user, or the nickname it joined the room with), never what the
 * JSON claims. The service stamps and broadcasts it to
 * {@code /topic/chat.{room}}; a refused message (bad room, empty, too long) is an ERROR to the sender.
 */
public final class ChatHandler {

    private final ChatService chat;

    public ChatHandler(ChatService chat) {
        this.chat = chat;
    }

    @MessageMapping("/chat/{room}")
    public void talk(@DestinationVariable("room") String room, ChatMessage message, MessagingSession session) {
        if (message.type != null && message.type != ChatMessage.Type.TALK) {
            throw new MessagingException("clients send TALK messages; ENTER, LEAVE and SYSTEM come from the server");
        }
        try {
            // the sender is the session's: its user, or the nickname it joined the room with; a
            // "sender" in the client's JSON is ignored
            chat.talk(room, session.principal(), null, session.id(), message.text);
        } catch (ChatException e) {
            throw new MessagingException(e.getMessage());
        }
    }
}
