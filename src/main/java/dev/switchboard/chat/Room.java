package dev.switchboard.chat;

import dev.switchboard.broker.Subscription;
import dev.switchboard.session.MemoryBudget;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One chat room: who is in it and its recent history, guarded by the room's lock, and its
 * outbox: what the room sends (a message to everyone, a joiner's history and welcome), in the
 * order it was stamped under that lock, sent outside it by one thread at a time.
 *
 * <p>Stamping under the lock and sending outside it keeps a room's delivery order equal to its
 * history order without making one member's publishing wait for another's: a thread that finds
 * the outbox being sent leaves its events to the thread at it, which sends them before it stops.
 * That thread may so send others' messages as well (at most what they stamp while it sends).
 */
final class Room {

    private static final Logger LOG = Logger.getLogger(Room.class.getName());

    /** A message kept in the history, with what it is charged. */
    private record Kept(ChatMessage message, int bytes) { }

    final String name;
    /** Whose address the room counts against, or null. */
    final MemoryBudget.Account creator;
    // guarded by this:
    private final ArrayDeque<Kept> history = new ArrayDeque<>();
    final Map<Subscription, String> subscriptions = new HashMap<>();
    final Map<String, Integer> members = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    /** Names of signed-in members, which anonymous ones may not take. */
    final Map<String, Integer> signedIn = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    private long historyBytes;
    long lastUsedNanos = System.nanoTime();
    boolean gone;

    private final ConcurrentLinkedQueue<Runnable> outbox = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean sending = new AtomicBoolean();

    Room(String name, MemoryBudget.Account creator) {
        this.name = name;
        this.creator = creator;
    }

    /** Under the lock. */
    List<String> members() {
        return List.copyOf(members.keySet());
    }

    /** Under the lock. */
    List<ChatMessage> historyMessages() {
        return history.stream().map(Kept::message).toList();
    }

    /**
     * Under the lock: keeps a message in the history, bounded in messages and bytes and charged to
     * {@code node}; false when the node's budget had no room for it (the oldest go as new ones come).
     */
    boolean keep(ChatMessage m, int size, int bytesMax, MemoryBudget.Account node) {
        int bytes = 200 + 2 * (m.text == null ? 0 : m.text.length()) + (m.sender == null ? 0 : 2 * m.sender.length());
        boolean kept = true;
        if (!gone && size > 0 && bytes <= bytesMax) {
            try {
                node.reserve(MemoryBudget.Use.CHAT, bytes);
                history.addLast(new Kept(m, bytes));
                historyBytes += bytes;
            } catch (MemoryBudget.Refused e) {
                kept = false;
            }
        }
        while (history.size() > size || historyBytes > bytesMax) {
            Kept old = history.removeFirst();
            historyBytes -= old.bytes();
            node.release(MemoryBudget.Use.CHAT, old.bytes());
        }
        return kept;
    }

    /** Under the lock: the history is given back to {@code node}. */
    void forgetHistory(MemoryBudget.Account node) {
        node.release(MemoryBudget.Use.CHAT, historyBytes);
        historyBytes = 0;
        history.clear();
    }

    /** Under the lock: {@code event} is sent after everything queued before it. */
    void queue(Runnable event) {
        outbox.add(event);
    }

    /**
     * Never under the room's lock: sends what the outbox holds, in order, unless another thread
     * is at it (which then sends it). An event that fails is logged; the ones after it still go.
     */
    void send() {
        while (!outbox.isEmpty() && sending.compareAndSet(false, true)) {
            try {
                Runnable event;
                while ((event = outbox.poll()) != null) {
                    try {
                        event.run();
                    } catch (RuntimeException e) {
                        LOG.log(Level.WARNING, "chat room " + name + ": an event was not sent", e);
                    }
                }
            } finally {
                sending.set(false);
            }
            // an event queued after the last poll and before the flag dropped is sent by the next round
        }
    }
}
