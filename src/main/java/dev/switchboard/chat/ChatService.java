package dev.switchboard.chat;

import dev.switchboard.broker.Broker;
import dev.switchboard.broker.BrokerException;
import dev.switchboard.broker.Message;
import dev.switchboard.broker.Subscription;
import jakarta.json.bind.Jsonb;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * Chat rooms on the broker: a room {@code r} is the topic {@code /topic/chat.r}. Whoever subscribes
 * to it (a STOMP client, with a {@code nickname} header when anonymous, or a {@link ChatEndpoint}
 * client) joins: it gets the room's recent history and a SYSTEM message with who is there, and
 * the room gets an ENTER; the last subscription of a name to go (unsubscribe, disconnect) makes a
 * LEAVE. Every message is stamped here (id, timestamp, room, and the sender: an authenticated
 * user's name, never what the client claims) and published once, as JSON, for both kinds of client.
 */
public final class ChatService implements Broker.SubscriptionListener {

    private static final Logger LOG = Logger.getLogger(ChatService.class.getName());

    public static final String KEY = ChatService.class.getName();
    public static final String TOPIC_PREFIX = "/topic/chat.";
    private static final Pattern ROOM = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    static final int NICKNAME_MAX = 32;

    /**
     * @param historySize messages kept per room and replayed to joiners
     * @param messageMax  longest text, in characters
     * @param roomsMax    most rooms at once (an empty room is dropped to make space)
     */
    public record Limits(int historySize, int messageMax, int roomsMax) {
    }

    private final Broker broker;
    private final Jsonb jsonb;
    private final Supplier<String> ids;
    private final Limits limits;
    private final Map<String, Room> rooms = new LinkedHashMap<>(); // guarded by itself; insertion order = age
    private final LongAdder messages = new LongAdder();
    private final LongAdder refused = new LongAdder();
    private final LongAdder joins = new LongAdder();
    private final LongAdder leaves = new LongAdder();

    private static final class Room {
        final String name;
        final ArrayDeque<ChatMessage> history = new ArrayDeque<>();
        final Map<Subscription, String> subscriptions = new HashMap<>();
        final Map<String, Integer> members = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);

        Room(String name) {
            this.name = name;
        }

        List<String> members() {
            return List.copyOf(members.keySet());
        }
    }

    public ChatService(Broker broker, Jsonb jsonb, Supplier<String> ids, Limits limits) {
        this.broker = broker;
        this.jsonb = jsonb;
        this.ids = ids;
        this.limits = limits;
        broker.listen(TOPIC_PREFIX, this);
    }

    public Limits limits() {
        return limits;
    }

    Broker broker() {
        return broker;
    }

    /** A notice for one client (an error in what it sent, say). */
    ChatMessage notice(String room, String text) {
        return system(room, text, null);
    }

    /** The room name of a chat topic, or null when the destination is not a valid room. */
    static String roomOf(String destination) {
        if (!destination.startsWith(TOPIC_PREFIX)) {
            return null;
        }
        String room = destination.substring(TOPIC_PREFIX.length());
        return ROOM.matcher(room).matches() ? room : null;
    }

    static boolean validRoom(String room) {
        return room != null && ROOM.matcher(room).matches();
    }

    /** A nickname as shown: trimmed, controls removed, at most 32 characters; null when nothing is left. */
    static String nickname(String claimed) {
        if (claimed == null) {
            return null;
        }
        StringBuilder out = new StringBuilder();
        claimed.strip().codePoints().filter(c -> !Character.isISOControl(c) && Character.getType(c) != Character.FORMAT)
                .limit(NICKNAME_MAX).forEach(out::appendCodePoint);
        String name = out.toString().strip();
        return name.isEmpty() ? null : name;
    }

    /** Who a client is in the chat: its authenticated name, else its nickname, else a guest name. */
    static String nameOf(Principal principal, String nickname, String sessionId) {
        if (principal != null) {
            return principal.getName();
        }
        String nick = nickname(nickname);
        if (nick != null) {
            return nick;
        }
        return sessionId == null ? "anonymous" : "guest-" + Integer.toHexString(sessionId.hashCode() & 0xffff);
    }

    // ---- joining and leaving (broker subscriptions) ----

    @Override
    public void subscribed(Subscription s) {
        String roomName = roomOf(s.destination());
        if (roomName == null) {
            return; // a pattern or an odd name: it hears the topic, it is nobody's presence
        }
        String name = nameOf(s.owner().principal(), s.header("nickname"), s.owner().sessionId());
        Room room;
        try {
            room = room(roomName);
        } catch (ChatException full) {
            broker.deliverTo(s, message(system(roomName, full.getMessage(), null)));
            return;
        }
        synchronized (room) {
            room.subscriptions.put(s, name);
            int count = room.members.merge(name, 1, Integer::sum);
            joins.increment();
            for (ChatMessage past : room.history) {
                broker.deliverTo(s, message(past.asHistory()));
            }
            broker.deliverTo(s, message(system(roomName, "Welcome to " + roomName + ", " + name + ".", room.members())));
            if (count == 1) {
                publish(room, new ChatMessage(ChatMessage.Type.ENTER, roomName, name, name + " joined",
                        Instant.now().toString(), ids.get(), room.members()));
            }
        }
    }

    @Override
    public void unsubscribed(Subscription s) {
        String roomName = roomOf(s.destination());
        Room room;
        synchronized (rooms) {
            room = roomName == null ? null : rooms.get(roomName);
        }
        if (room == null) {
            return;
        }
        synchronized (room) {
            String name = room.subscriptions.remove(s);
            if (name == null) {
                return;
            }
            int count = room.members.merge(name, -1, Integer::sum);
            if (count > 0) {
                return;
            }
            room.members.remove(name);
            leaves.increment();
            publish(room, new ChatMessage(ChatMessage.Type.LEAVE, roomName, name, name + " left",
                    Instant.now().toString(), ids.get(), room.members()));
        }
    }

    // ---- talking ----

    /**
     * Stamps and broadcasts one message. The sender is the authenticated user when there is one;
     * an anonymous client's claimed nickname otherwise.
     */
    public void talk(String roomName, Principal principal, String claimedSender, String sessionId, String text)
            throws ChatException {
        if (!validRoom(roomName)) {
            refused.increment();
            throw new ChatException("a room name is 1 to 64 letters, digits, '-' or '_'");
        }
        if (text == null || text.isBlank()) {
            refused.increment();
            throw new ChatException("a message needs a text");
        }
        if (text.length() > limits.messageMax()) {
            refused.increment();
            throw new ChatException("a message is at most " + limits.messageMax() + " characters; this one has " + text.length());
        }
        String sender = nameOf(principal, claimedSender, sessionId);
        Room room = room(roomName);
        synchronized (room) {
            publish(room, new ChatMessage(ChatMessage.Type.TALK, roomName, sender, text, Instant.now().toString(),
                    ids.get(), null));
        }
    }

    // ---- inside ----

    private Room room(String name) throws ChatException {
        synchronized (rooms) {
            Room room = rooms.get(name);
            if (room != null) {
                return room;
            }
            if (rooms.size() >= limits.roomsMax()) {
                String empty = null;
                for (Room r : rooms.values()) {
                    synchronized (r) {
                        if (r.members.isEmpty()) {
                            empty = r.name;
                            break;
                        }
                    }
                }
                if (empty == null) {
                    refused.increment();
                    throw new ChatException("the server holds " + limits.roomsMax() + " rooms, all in use; no new room now");
                }
                rooms.remove(empty);
            }
            room = new Room(name);
            rooms.put(name, room);
            return room;
        }
    }

    /** Under the room's lock: into the history (ENTER, TALK, LEAVE) and out to the room. */
    private void publish(Room room, ChatMessage m) {
        room.history.addLast(m);
        while (room.history.size() > limits.historySize()) {
            room.history.removeFirst();
        }
        messages.increment();
        try {
            broker.publish(message(m));
        } catch (BrokerException e) {
            LOG.log(Level.WARNING, "chat message to " + room.name + " not published", e);
        }
    }

    private ChatMessage system(String room, String text, List<String> members) {
        return new ChatMessage(ChatMessage.Type.SYSTEM, room, null, text, Instant.now().toString(), ids.get(), members);
    }

    private Message message(ChatMessage m) {
        byte[] json = jsonb.toJson(m).getBytes(StandardCharsets.UTF_8);
        return new Message(m.id, TOPIC_PREFIX + m.room, "application/json", List.of(), json);
    }

    /** For /stats. */
    public Map<String, Object> stats() {
        Map<String, Object> out = new LinkedHashMap<>();
        int members = 0;
        synchronized (rooms) {
            out.put("rooms", rooms.size());
            for (Room r : rooms.values()) {
                synchronized (r) {
                    members += r.members.size();
                }
            }
        }
        out.put("members", members);
        out.put("messages", messages.sum());
        out.put("refused", refused.sum());
        out.put("joins", joins.sum());
        out.put("leaves", leaves.sum());
        return out;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "chat (history %d, messages up to %d characters, %d rooms)",
                limits.historySize(), limits.messageMax(), limits.roomsMax());
    }
}
