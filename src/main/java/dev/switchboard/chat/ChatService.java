package dev.switchboard.chat;

import dev.switchboard.broker.Broker;
import dev.switchboard.broker.BrokerException;
import dev.switchboard.broker.Message;
import dev.switchboard.broker.SharedState;
import dev.switchboard.broker.Subscription;
import dev.switchboard.session.MemoryBudget;
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
 *
 * <p>A room exists from its first join: a message to a room nobody is in reaches whoever listens
 * to the topic and is not kept. A room's history is bounded in messages and bytes and charged to
 * the node's memory budget; a room counts against its first joiner's address (see
 * {@link MemoryBudget.Account#createDestination}) and is forgotten {@code roomTtl} after it was
 * last used with nobody in it.
 *
 * <p>On several nodes ({@link SharedState}, Redis when the relay is on) a room's presence and
 * history are the cluster's: who is in the room is counted on every node, a joiner gets the history
 * and member list every node shares, and ENTER and LEAVE are published when a name arrives in or
 * leaves the whole room, not one node's part of it. When the shared state cannot be reached the
 * node answers from what it knows itself (counted).
 *
 * <p>Over 400 lines: rooms, presence, history and stamping share each room's lock, which keeps a
 * room's history in the order its members receive it (see docs/threads.md). With shared state a
 * join or leave makes one Redis round trip under that lock.
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
    public record Limits(int historySize, int messageMax, int roomsMax, int historyBytesMax,
                         java.time.Duration roomTtl) {
    }

    /** A message kept in a room's history, with what it is charged. */
    private record Kept(ChatMessage message, int bytes) { }

    private final Broker broker;
    private final Jsonb jsonb;
    private final Supplier<String> ids;
    private final Limits limits;
    private final MemoryBudget budget;
    private final Map<String, Room> rooms = new LinkedHashMap<>(); // guarded by itself; insertion order = age
    private final LongAdder messages = new LongAdder();
    private final LongAdder refused = new LongAdder();
    private final LongAdder joins = new LongAdder();
    private final LongAdder leaves = new LongAdder();
    private final LongAdder roomsForgotten = new LongAdder();
    private final LongAdder historyNotKept = new LongAdder();
    private final LongAdder sharedStateMissed = new LongAdder();
    /** The room state every node shares, or null on a single node. */
    private final SharedState shared;

    private static final class Room {
        final String name;
        final MemoryBudget.Account creator;
        final ArrayDeque<Kept> history = new ArrayDeque<>();
        final Map<Subscription, String> subscriptions = new HashMap<>();
        final Map<String, Integer> members = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        /** Names of signed-in members, which anonymous ones may not take. */
        final Map<String, Integer> signedIn = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        long historyBytes;
        long lastUsedNanos = System.nanoTime();
        boolean gone;

        Room(String name, MemoryBudget.Account creator) {
            this.name = name;
            this.creator = creator;
        }

        List<String> members() {
            return List.copyOf(members.keySet());
        }
    }

    public ChatService(Broker broker, MemoryBudget budget, Jsonb jsonb, Supplier<String> ids, Limits limits) {
        this.budget = budget;
        this.broker = broker;
        this.jsonb = jsonb;
        this.ids = ids;
        this.limits = limits;
        this.shared = broker.relay().state();
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
        while (true) {
            Room room;
            try {
                room = room(roomName, s.owner().account());
            } catch (ChatException full) {
                broker.deliverTo(s, message(system(roomName, full.getMessage(), null)));
                return;
            }
            if (join(room, s, name)) {
                return;
            }
            // forgotten by the sweep between lookup and join: the next lookup makes it anew
        }
    }

    /** Joins a room that is still kept; false when it was forgotten meanwhile. */
    private boolean join(Room room, Subscription s, String claimed) {
        String roomName = room.name;
        synchronized (room) {
            if (room.gone) {
                return false;
            }
            String name = claimed;
            boolean signedIn = s.owner().principal() != null;
            if (signedIn) {
                room.signedIn.merge(name, 1, Integer::sum);
            } else if (room.signedIn.containsKey(name)) {
                name = nameOf(null, null, s.owner().sessionId()); // a signed-in user's name is not for the taking
            }
            room.subscriptions.put(s, name);
            room.lastUsedNanos = System.nanoTime();
            long count = room.members.merge(name, 1, Integer::sum);
            List<String> members = room.members();
            List<ChatMessage> history = null;
            if (shared != null) {
                try {
                    count = shared.count(membersKey(roomName), name, 1);
                    members = shared.names(membersKey(roomName));
                    history = new java.util.ArrayList<>();
                    for (byte[] past : shared.list(historyKey(roomName))) {
                        history.add(jsonb.fromJson(new String(past, StandardCharsets.UTF_8), ChatMessage.class));
                    }
                } catch (SharedState.Unavailable | jakarta.json.bind.JsonbException e) {
                    sharedStateMissed.increment(); // this node's own view of the room will do
                    history = null;
                }
            }
            joins.increment();
            if (history == null) {
                history = room.history.stream().map(Kept::message).toList();
            }
            for (ChatMessage past : history) {
                broker.deliverTo(s, message(past.asHistory()));
            }
            broker.deliverTo(s, message(system(roomName, "Welcome to " + roomName + ", " + name + ".", members)));
            if (count == 1) {
                publish(room, new ChatMessage(ChatMessage.Type.ENTER, roomName, name, name + " joined",
                        Instant.now().toString(), ids.get(), members));
            }
        }
        return true;
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
            if (s.owner().principal() != null) {
                room.signedIn.merge(name, -1, (a, b) -> a + b == 0 ? null : a + b);
            }
            long count = room.members.merge(name, -1, Integer::sum);
            if (count <= 0) {
                room.members.remove(name);
                room.lastUsedNanos = System.nanoTime();
            }
            List<String> members = room.members();
            if (shared != null) {
                try {
                    count = shared.count(membersKey(roomName), name, -1);
                    members = shared.names(membersKey(roomName));
                } catch (SharedState.Unavailable e) {
                    sharedStateMissed.increment();
                }
            }
            if (count > 0) {
                return;
            }
            leaves.increment();
            publish(room, new ChatMessage(ChatMessage.Type.LEAVE, roomName, name, name + " left",
                    Instant.now().toString(), ids.get(), members));
        }
    }

    // ---- talking ----

    /** The name an anonymous session joined the room under (its nickname at SUBSCRIBE), else its guest name. */
    private static String joinedAs(Room room, String sessionId) {
        if (room != null && sessionId != null) {
            synchronized (room) {
                for (Map.Entry<Subscription, String> e : room.subscriptions.entrySet()) {
                    if (e.getKey().owner().sessionId().equals(sessionId)) {
                        return e.getValue();
                    }
                }
            }
        }
        return nameOf(null, null, sessionId);
    }

    /**
     * Stamps and broadcasts one message. The sender is the authenticated user when there is one;
     * else {@code serverKnownNickname} (what the {@code /chat/{room}} endpoint was opened with);
     * else the name the session joined the room under; else its guest name. Nothing the client
     * writes into the message names its sender.
     */
    public void talk(String roomName, Principal principal, String serverKnownNickname, String sessionId, String text)
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
        Room room;
        synchronized (rooms) {
            room = rooms.get(roomName);
        }
        String sender = principal != null || serverKnownNickname != null ? nameOf(principal, serverKnownNickname, sessionId)
                : joinedAs(room, sessionId);
        ChatMessage m = new ChatMessage(ChatMessage.Type.TALK, roomName, sender, text, Instant.now().toString(),
                ids.get(), null);
        if (room == null) {
            messages.increment(); // nobody is in the room: it goes to whoever listens, nothing is kept
            try {
                broker.publish(message(m));
            } catch (BrokerException e) {
                LOG.log(Level.WARNING, "chat message to " + roomName + " not published", e);
            }
            return;
        }
        synchronized (room) {
            room.lastUsedNanos = System.nanoTime();
            publish(room, m);
        }
    }

    /**
     * Forgets the rooms nobody has been in for {@code roomTtl}, with their history; the deployment
     * runs it every few seconds.
     */
    public void forgetEmptyRooms() {
        long now = System.nanoTime();
        List<Room> expired = new java.util.ArrayList<>();
        synchronized (rooms) {
            rooms.values().removeIf(r -> {
                synchronized (r) {
                    if (r.members.isEmpty() && now - r.lastUsedNanos >= limits.roomTtl().toNanos()) {
                        expired.add(r);
                        return true;
                    }
                    return false;
                }
            });
        }
        expired.forEach(this::forget);
    }

    /** The room is out of the map: its history is given back and its creator's address may make another. */
    private void forget(Room room) {
        synchronized (room) {
            room.gone = true;
            budget.node().release(MemoryBudget.Use.CHAT, room.historyBytes);
            room.historyBytes = 0;
            room.history.clear();
        }
        if (room.creator != null) {
            room.creator.dropDestination();
        }
        roomsForgotten.increment();
    }

    // ---- inside ----

    /** The room, made for a joiner (counted against its address) when there is none. */
    private Room room(String name, MemoryBudget.Account joiner) throws ChatException {
        Room evicted = null;
        Room room;
        synchronized (rooms) {
            room = rooms.get(name);
            if (room != null) {
                return room;
            }
            if (rooms.size() >= limits.roomsMax()) {
                for (Room r : rooms.values()) {
                    synchronized (r) {
                        if (r.members.isEmpty()) {
                            evicted = r;
                            break;
                        }
                    }
                }
                if (evicted == null) {
                    refused.increment();
                    throw new ChatException("the server holds " + limits.roomsMax() + " rooms, all in use; no new room now");
                }
                rooms.remove(evicted.name);
            }
            if (joiner != null) {
                try {
                    joiner.createDestination("chat room");
                } catch (MemoryBudget.Refused e) {
                    refused.increment();
                    if (evicted != null) {
                        rooms.put(evicted.name, evicted); // not replaced after all
                    }
                    throw new ChatException(e.getMessage());
                }
            }
            room = new Room(name, joiner);
            rooms.put(name, room);
        }
        if (evicted != null) {
            forget(evicted);
        }
        return room;
    }

    /**
     * Under the room's lock: into the history (ENTER, TALK, LEAVE; bounded in messages and bytes,
     * charged to the node's budget, not kept when that is full) and out to the room.
     */
    private void publish(Room room, ChatMessage m) {
        int bytes = 200 + 2 * (m.text == null ? 0 : m.text.length()) + (m.sender == null ? 0 : 2 * m.sender.length());
        if (!room.gone && limits.historySize() > 0 && bytes <= limits.historyBytesMax()) {
            try {
                budget.node().reserve(MemoryBudget.Use.CHAT, bytes);
                room.history.addLast(new Kept(m, bytes));
                room.historyBytes += bytes;
            } catch (MemoryBudget.Refused e) {
                historyNotKept.increment();
            }
        }
        while (room.history.size() > limits.historySize() || room.historyBytes > limits.historyBytesMax()) {
            Kept old = room.history.removeFirst();
            room.historyBytes -= old.bytes();
            budget.node().release(MemoryBudget.Use.CHAT, old.bytes());
        }
        messages.increment();
        Message out = message(m);
        if (shared != null && limits.historySize() > 0) {
            shared.append(historyKey(room.name), out.body(), limits.historySize(), limits.roomTtl());
        }
        try {
            broker.publish(out);
        } catch (BrokerException e) {
            LOG.log(Level.WARNING, "chat message to " + room.name + " not published", e);
        }
    }

    private static String membersKey(String room) {
        return "chat:members:" + room;
    }

    private static String historyKey(String room) {
        return "chat:history:" + room;
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
        out.put("roomsForgotten", roomsForgotten.sum());
        out.put("historyNotKept", historyNotKept.sum());
        if (shared != null) {
            out.put("sharedStateMissed", sharedStateMissed.sum());
        }
        return out;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "chat (history %d, messages up to %d characters, %d rooms)",
                limits.historySize(), limits.messageMax(), limits.roomsMax());
    }
}
