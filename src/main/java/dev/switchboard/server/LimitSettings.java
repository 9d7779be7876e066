package dev.switchboard.server;

import dev.switchboard.security.RateLimit;
import java.time.Duration;
import java.util.List;

/**
 * The settings that bound what one client can make a node hold or do: the memory budget,
 * connection and rate limits, and the limits a STOMP session has before CONNECT. Part of
 * {@link Settings#ALL}; kept apart because they are one concern (a hostile client) and many.
 */
public final class LimitSettings {

    private LimitSettings() {
    }

    public static final Setting<Long> MEMORY_BUDGET = new Setting<>(
            "memory.budget", "share of heap or size", "25%",
            "Bytes all clients together may make the server hold: messages waiting in `/queue`s or"
                    + " unacknowledged, open transactions, STOMP frames being assembled, chat history. A share"
                    + " of the JVM's largest heap (`25%`) or a size (`256MiB`). A client whose next message"
                    + " would go over it gets an ERROR; `/stats` `limits.memory` shows the use.",
            SettingValues::heapShare);

    public static final Setting<Long> MEMORY_BUDGET_ADDRESS = new Setting<>(
            "memory.budget.address", "share of heap or size", "5%",
            "The part of `memory.budget` the sessions of one client address may hold together (the"
                    + " address the container reports: behind a proxy, configure `RemoteIpValve`).",
            SettingValues::heapShare);

    public static final Setting<Long> MEMORY_BUDGET_SESSION = new Setting<>(
            "memory.budget.session", "share of heap or size", "2%",
            "The part of `memory.budget` one session may hold.",
            SettingValues::heapShare);

    public static final Setting<Integer> DESTINATIONS_PER_ADDRESS_MAX = new Setting<>(
            "destinations.per.address.max", "count", "1000",
            "Most `/queue` destinations and chat rooms that clients of one address may have made and"
                    + " that still exist (an empty queue with no consumer is removed; an empty room is"
                    + " forgotten after `chat.room.ttl`). A client that would make one more gets an ERROR.",
            text -> SettingValues.atLeast(1, SettingValues.count(text)));

    public static final Setting<Integer> CONNECTIONS_MAX = new Setting<>(
            "connections.max", "count or auto", "auto",
            "Most open connections (WebSockets and SockJS sessions) on this deployment. A handshake"
                    + " or new SockJS session past it is answered HTTP 503 before any session state is made."
                    + " `auto`: one per 100 KiB of the JVM's largest heap (10485 with `-Xmx1g`; an idle STOMP"
                    + " session takes 34–42 KB, Tomcat's share included, by its socket buffers, and `memory.budget` needs its part).",
            text -> text.trim().equalsIgnoreCase("auto")
                    ? (int) Math.max(1, Math.min(Integer.MAX_VALUE, Runtime.getRuntime().maxMemory() / (100 * 1024)))
                    : SettingValues.atLeast(1, SettingValues.count(text)));

    public static final Setting<Integer> CONNECTIONS_PER_ADDRESS_MAX = new Setting<>(
            "connections.per.address.max", "count", "200",
            "Most open connections from one client address. Past it: HTTP 429.",
            text -> SettingValues.atLeast(1, SettingValues.count(text)));

    public static final Setting<RateLimit> HANDSHAKE_RATE = new Setting<>(
            "handshake.rate", "rate", "20/s,60",
            "WebSocket handshakes and new SockJS sessions per second from one client address, with"
                    + " bursts (`20/s,60`: 20 a second, 60 at once after a quiet spell). Past it: HTTP 429"
                    + " with `Retry-After`, before any session state is made. `0`: no limit.",
            SettingValues::rate);

    public static final Setting<RateLimit> INBOUND_MESSAGES_RATE = new Setting<>(
            "inbound.messages.rate", "rate", "10000/s,20000",
            "Messages per second one connection may send (STOMP frames, chat or echo messages), with"
                    + " bursts. Past it: a STOMP ERROR, or close 1008, counted. `0`: no limit.",
            SettingValues::rate);

    public static final Setting<RateLimit> INBOUND_BYTES_RATE = new Setting<>(
            "inbound.bytes.rate", "rate", "4MiB/s,8MiB",
            "Bytes per second one connection may send, with bursts. Past it: as above.",
            SettingValues::rate);

    public static final Setting<RateLimit> INBOUND_BYTES_RATE_ADDRESS = new Setting<>(
            "inbound.bytes.rate.address", "rate", "8MiB/s,16MiB",
            "Bytes per second all connections of one client address may send together, with bursts."
                    + " Past it: the connection that sends the next bytes is answered as above. `0`: no limit.",
            SettingValues::rate);

    public static final Setting<Integer> STOMP_PATTERN_WILDCARDS_MAX = new Setting<>(
            "stomp.pattern.wildcards.max", "count", "8",
            "Most `*`/`**` wildcards in one subscription pattern; a SUBSCRIBE with more gets an ERROR."
                    + " (Matching takes time linear in the destination's length whatever the pattern.)",
            text -> SettingValues.atLeast(1, SettingValues.count(text)));

    public static final Setting<Integer> STOMP_CONNECT_FRAME_MAX = new Setting<>(
            "stomp.connect.frame.max", "size", "4KiB",
            "Largest frame a STOMP session accepts before it is CONNECTED (a CONNECT frame is a few"
                    + " hundred bytes; `stomp.frame.max` applies after).",
            text -> SettingValues.atLeast(256, SettingValues.size(text)));

    public static final Setting<Duration> STOMP_CONNECT_TIMEOUT = new Setting<>(
            "stomp.connect.timeout", "duration", "10s",
            "Time a new STOMP session has to send CONNECT; then it gets an ERROR and is closed, whatever"
                    + " else it sent (heart-beats count only after CONNECTED).",
            text -> SettingValues.atLeast(Duration.ofMillis(100), SettingValues.duration(text)));

    public static final Setting<Integer> CHAT_HISTORY_BYTES_MAX = new Setting<>(
            "chat.history.bytes.max", "size", "64KiB",
            "Chat: most bytes of history one room keeps (older messages go first); all rooms' history"
                    + " counts against `memory.budget`.",
            text -> SettingValues.atLeast(0, SettingValues.size(text)));

    public static final Setting<Duration> CHAT_ROOM_TTL = new Setting<>(
            "chat.room.ttl", "duration", "10m",
            "Chat: how long a room nobody is in keeps its history after its last member left (or its"
                    + " last message); then it is forgotten.",
            text -> SettingValues.atLeast(Duration.ofSeconds(1), SettingValues.duration(text)));

    static final List<Setting<?>> ALL = List.of(MEMORY_BUDGET, MEMORY_BUDGET_ADDRESS, MEMORY_BUDGET_SESSION,
            DESTINATIONS_PER_ADDRESS_MAX, CONNECTIONS_MAX, CONNECTIONS_PER_ADDRESS_MAX, HANDSHAKE_RATE,
            INBOUND_MESSAGES_RATE, INBOUND_BYTES_RATE, INBOUND_BYTES_RATE_ADDRESS, STOMP_PATTERN_WILDCARDS_MAX, STOMP_CONNECT_FRAME_MAX,
            STOMP_CONNECT_TIMEOUT, CHAT_HISTORY_BYTES_MAX, CHAT_ROOM_TTL);
}
