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
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

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
 * <p>A room's messages are stamped under its lock (into its history and its outbox, see
 * {@link Room}) and published outside it, by one thread at a time in history order; a joiner's
 * subscription is held back ({@link Broker#release}) until its history and welcome have gone
 * out, so it hears every message once, history first. With shared state the Redis round trips of
 * a join or leave are made from the outbox too, never under the lock.
 *
 * <p>Over 400 lines: joining, leaving and talking share the room's stamping and outbox rules, and
 * each has a shared-state variant; the room itself, its history and outbox are {@link Room}.
 */
public final class ChatService implements Broker.SubscriptionListener {

    private static final Logger LOG = Logger.getLogger(ChatService.class.getName());

    public static final String KEY = ChatService.class.getName();
    public static final String TOPIC_PREFIX = "/topic/chat.";

    /**
     * @param historySize messages kept per room and replayed to joiners
     * @param messageMax  longest text, in characters
     * @param roomsMax    most rooms at once (an empty room is dropped to make space)
     */
    public record Limits(int historySize, int messageMax, int roomsMax, int historyBytesMax,
                         java.time.Duration roomTtl) {
    }

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

    // ---- joining and leaving (broker subscriptions) ----

    /** A room's new subscription waits for its history before it hears the room live. */
    @Override
    public boolean holdsBack(Subscription s) {
        return ChatNames.roomOf(s.destination()) != null;
    }

    @Override
    public void subscribed(Subscription s) {
        String roomName = ChatNames.roomOf(s.destination());
        if (roomName == null) {
            return; // a pattern or an odd name: it hears the topic, it is nobody's presence
        }
        String name = ChatNames.nameOf(s.owner().principal(), s.header("nickname"), s.owner().sessionId());
        try {
            while (true) {
                Room room;
                try {
                    room = room(roomName, s.owner().account());
                } catch (ChatException full) {
                    broker.deliverTo(s, message(system(roomName, full.getMessage(), null)));
                    broker.release(s, m -> false);
                    return;
                }
                if (join(room, s, name)) {
                    room.send();
                    return;
                }
                // forgotten by the sweep between lookup and join: the next lookup makes it anew
            }
        } catch (RuntimeException e) {
            broker.release(s, m -> false);
            throw e;
        }
    }

    /**
     * Joins a room that is still kept (false when it was forgotten meanwhile): counts the member
     * and queues its welcome (history, then who is there) in the room's order, then its ENTER.
     */
    private boolean join(Room room, Subscription s, String claimed) {
        synchronized (room) {
            if (room.gone) {
                return false;
            }
            String name = claimed;
            boolean signedIn = s.owner().principal() != null;
            if (signedIn) {
                room.signedIn.merge(name, 1, Integer::sum);
            } else if (room.signedIn.containsKey(name)) {
                name = ChatNames.nameOf(null, null, s.owner().sessionId()); // a signed-in user's name is not for the taking
            }
            room.subscriptions.put(s, name);
            room.lastUsedNanos = System.nanoTime();
            int count = room.members.merge(name, 1, Integer::sum);
            joins.increment();
            String joined = name;
            List<ChatMessage> history = room.historyMessages();
            List<String> members = room.members();
            room.queue(() -> welcome(room, s, joined, history, members, count));
            if (shared == null && count == 1) {
                stamp(room, new ChatMessage(ChatMessage.Type.ENTER, room.name, name, name + " joined",
                        Instant.now().toString(), ids.get(), members));
            }
        }
        return true;
    }

    /**
     * From the room's outbox: the joiner's history and welcome, then the room live (what it
     * missed meanwhile and is not in that history). With shared state the history, the members and
     * whether the name is new to the room are the cluster's, read here, outside the room's lock.
     */
    private void welcome(Room room, Subscription s, String name, List<ChatMessage> localHistory,
                         List<String> localMembers, int localCount) {
        List<ChatMessage> history = localHistory;
        List<String> members = localMembers;
        long count = localCount;
        if (shared != null) {
            try {
                count = shared.count(membersKey(room.name), name, 1);
                members = shared.names(membersKey(room.name));
                List<ChatMessage> kept = new ArrayList<>();
                for (byte[] past : shared.list(historyKey(room.name))) {
                    kept.add(jsonb.fromJson(new String(past, StandardCharsets.UTF_8), ChatMessage.class));
                }
                history = kept;
            } catch (SharedState.Unavailable | jakarta.json.bind.JsonbException e) {
                sharedStateMissed.increment(); // this node's own view of the room will do
            }
        }
        Set<String> seen = new HashSet<>();
        for (ChatMessage past : history) {
            seen.add(past.id);
            broker.deliverTo(s, message(past.asHistory()));
        }
        broker.deliverTo(s, message(system(room.name, "Welcome to " + room.name + ", " + name + ".", members)));
        broker.release(s, m -> seen.contains(m.id()));
        if (shared != null && count == 1) {
            List<String> present = members;
            synchronized (room) {
                stamp(room, new ChatMessage(ChatMessage.Type.ENTER, room.name, name, name + " joined",
                        Instant.now().toString(), ids.get(), present));
            }
        }
    }

    @Override
    public void unsubscribed(Subscription s) {
        String roomName = ChatNames.roomOf(s.destination());
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
            int count = room.members.merge(name, -1, Integer::sum);
            if (count <= 0) {
                room.members.remove(name);
                room.lastUsedNanos = System.nanoTime();
            }
            List<String> members = room.members();
            if (shared != null) {
                room.queue(() -> left(room, name, count, members));
            } else if (count <= 0) {
                leaves.increment();
                stamp(room, leave(room, name, members));
            }
        }
        room.send();
    }

    /** From the room's outbox, with shared state: a LEAVE when the name has left the whole room. */
    private void left(Room room, String name, int localCount, List<String> localMembers) {
        long count = localCount;
        List<String> members = localMembers;
        try {
            count = shared.count(membersKey(room.name), name, -1);
            members = shared.names(membersKey(room.name));
        } catch (SharedState.Unavailable e) {
            sharedStateMissed.increment();
        }
        if (count > 0) {
            return;
        }
        leaves.increment();
        List<String> present = members;
        synchronized (room) {
            stamp(room, leave(room, name, present));
        }
    }

    private ChatMessage leave(Room room, String name, List<String> members) {
        return new ChatMessage(ChatMessage.Type.LEAVE, room.name, name, name + " left", Instant.now().toString(),
                ids.get(), members);
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
        return ChatNames.nameOf(null, null, sessionId);
    }

    /**
     * Stamps and broadcasts one message. The sender is the authenticated user when there is one;
     * else {@code serverKnownNickname} (what the {@code /chat/{room}} endpoint was opened with);
     * else the name the session joined the room under; else its guest name. Nothing the client
     * writes into the message names its sender.
     */
    public void talk(String roomName, Principal principal, String serverKnownNickname, String sessionId, String text)
            throws ChatException {
        if (!ChatNames.validRoom(roomName)) {
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
        String sender = principal != null || serverKnownNickname != null ? ChatNames.nameOf(principal, serverKnownNickname, sessionId)
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
            stamp(room, m);
        }
        room.send();
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
            room.forgetHistory(budget.node());
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
     * charged to the node's budget, not kept when that is full) and into the room's outbox, so the
     * room hears its messages in history order. Sent by {@link Room#send}, outside the lock.
     */
    private void stamp(Room room, ChatMessage m) {
        if (!room.keep(m, limits.historySize(), limits.historyBytesMax(), budget.node())) {
            historyNotKept.increment();
        }
        messages.increment();
        room.queue(() -> send(room, m));
    }

    /** From the room's outbox: one message to the room (and to the shared history). */
    private void send(Room room, ChatMessage m) {
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
