package dev.switchboard.chat;

import dev.switchboard.api.DestinationVariable;
import dev.switchboard.api.MessageMapping;
import dev.switchboard.api.MessagingException;
import java.security.Principal;

/**
 * {@code /app/chat/{room}} for STOMP clients: the body is {@code {"type":"TALK","text":"hi"}},
 * with {@code "sender"} the nickname of an anonymous client. The service stamps and broadcasts it to
 * {@code /topic/chat.{room}}; a refused message (bad room, empty, too long) is an ERROR to the sender.
 */
public final class ChatHandler {

    private final ChatService chat;

    public ChatHandler(ChatService chat) {
        this.chat = chat;
    }

    @MessageMapping("/chat/{room}")
    public void talk(@DestinationVariable("room") String room, ChatMessage message, Principal principal) {
        if (message.type != null && message.type != ChatMessage.Type.TALK) {
            throw new MessagingException("clients send TALK messages; ENTER, LEAVE and SYSTEM come from the server");
        }
        try {
            chat.talk(room, principal, message.sender, null, message.text);
        } catch (ChatException e) {
            throw new MessagingException(e.getMessage());
        }
    }
}
