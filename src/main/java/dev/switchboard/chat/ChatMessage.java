package dev.switchboard.chat;

import jakarta.json.bind.annotation.JsonbPropertyOrder;
import java.util.List;

/**
 * One chat message as it travels (JSON, over STOMP and the JSON endpoint alike):
 * {@code {"type":"TALK","room":"lobby","sender":"alice","text":"hi","timestamp":"...Z","id":"..."}}.
 * ENTER, LEAVE and SYSTEM messages also carry {@code members}, the room's presence after the
 * event; messages replayed to a newcomer carry {@code "history":true}. From a client only
 * {@code type}, {@code text} and (anonymous clients) {@code sender} are read; the server fills in
 * the rest.
 */
@JsonbPropertyOrder({"type", "room", "sender", "text", "timestamp", "id", "members", "history"})
public class ChatMessage {

    /** What a message is. */
    public enum Type { ENTER, TALK, LEAVE, SYSTEM }

    public Type type;
    public String room;
    public String sender;
    public String text;
    public String timestamp;
    public String id;
    public List<String> members;
    public Boolean history;

    public ChatMessage() {
    }

    ChatMessage(Type type, String room, String sender, String text, String timestamp, String id, List<String> members) {
        this.type = type;
        this.room = room;
        this.sender = sender;
        this.text = text;
        this.timestamp = timestamp;
        this.id = id;
        this.members = members;
    }

    /** This message as replayed to a newcomer. */
    ChatMessage asHistory() {
        ChatMessage copy = new ChatMessage(type, room, sender, text, timestamp, id, members);
        copy.history = Boolean.TRUE;
        return copy;
    }
}
