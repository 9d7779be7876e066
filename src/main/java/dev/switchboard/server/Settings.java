package dev.switchboard.server;

import dev.switchboard.handshake.OriginPolicy;
import java.time.Duration;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;
import java.util.logging.Logger;

/**
 * Every setting Switchboard has, and one deployment's resolved values.
 *
 * <p>Values come from web.xml context-params, overridden by environment variables, overridden by
 * system properties. A value that does not parse stops deployment with an
 * {@link InvalidSettingException} naming the setting, the value and where it came from.
 */
public final class Settings {

    private static final Logger LOG = Logger.getLogger(Settings.class.getName());

    public static final Setting<OriginPolicy> ALLOWED_ORIGINS = new Setting<>(
            "allowed.origins", "origin list", "",
            "Origins allowed to open WebSockets. Empty: same origin only (the Origin's host:port must"
                    + " match the Host header). `*`: any. Otherwise a comma-separated list of exact"
                    + " origins (`https://app.example.com:8443`) and subdomain patterns"
                    + " (`https://*.example.com`). Requests without Origin (non-browser clients) are"
                    + " always allowed.",
            text -> OriginPolicy.parse(SettingValues.list(text)));

    public static final Setting<List<String>> PUBLIC_HOSTS = new Setting<>(
            "public.hosts", "host list", "",
            "The host names browsers reach this server by (`app.example.com`), for the same-origin rule:"
                    + " a request whose Host is not one of them is not same-origin, so a page on a name that"
                    + " merely resolves to this server (DNS rebinding) is refused. Empty: this machine's own"
                    + " names and addresses and `localhost`. Set it when `allowed.origins` is empty and"
                    + " browsers use a public name.",
            SettingValues::list);

    public static final Setting<java.time.Duration> DRAIN_TIMEOUT = new Setting<>(
            "drain.timeout", "duration", "5s",
            "When the deployment stops (or JMX's `drain` runs): how long STOMP clients, told the server is"
                    + " going away, have to leave before every connection still open is closed with 1001."
                    + " Meanwhile `/health` says DOWN and new connections get 503.",
            SettingValues::duration);

    public static final Setting<Integer> TEXT_MESSAGE_MAX = new Setting<>(
            "text.message.max", "size", "64KiB",
            "Largest text message accepted, in characters. A larger one closes the connection with 1009.",
            text -> SettingValues.atLeast(1, SettingValues.size(text)));

    public static final Setting<Integer> BINARY_MESSAGE_MAX = new Setting<>(
            "binary.message.max", "size", "64KiB",
            "Largest binary message accepted, in bytes. A larger one closes the connection with 1009.",
            text -> SettingValues.atLeast(1, SettingValues.size(text)));

    public static final Setting<Integer> WEBSOCKET_BUFFER_SIZE = new Setting<>(
            "websocket.buffer.size", "size", "1KiB",
            "The container's per-connection frame buffers (text and binary). Containers such as Tomcat"
                    + " allocate them eagerly for every connection, so they are kept small; larger"
                    + " messages arrive in parts and are checked against the message limits above. On"
                    + " Undertow (WildFly), which ends a longer binary message instead of delivering its"
                    + " parts, the binary buffer is binary.message.max.",
            text -> SettingValues.atLeast(256, SettingValues.size(text)));

    public static final Setting<Duration> IDLE_TIMEOUT = new Setting<>(
            "idle.timeout", "duration", "5m",
            "A WebSocket with no traffic for this long is closed by the container. 0: never.",
            SettingValues::duration);

    public static final Setting<Duration> SEND_TIMEOUT = new Setting<>(
            "send.timeout", "duration", "10s",
            "Longest an asynchronous send may take before the connection is given up as stuck.",
            text -> SettingValues.atLeast(Duration.ofMillis(1), SettingValues.duration(text)));

    public static final Setting<Integer> OUTBOUND_QUEUE_MAX = new Setting<>(
            "outbound.queue.max", "size", "1MiB",
            "Most data waiting to be sent to one connection (characters for text). A client that lets more"
                    + " pile up, or whose one write stays stuck longer than `send.timeout` while more waits,"
                    + " is a slow consumer: it is closed with 1008 and counted.",
            text -> SettingValues.atLeast(1024, SettingValues.size(text)));

    public static final Setting<Integer> OUTBOUND_COALESCE_MAX = new Setting<>(
            "outbound.coalesce.max", "size", "64KiB",
            "Most data joined into one write when messages pile up behind a write in flight (protocols"
                    + " that frame their own messages, such as STOMP and SockJS): under backlog a reader gets"
                    + " few large writes, while a lone message still leaves at once. 0: one message per write.",
            text -> SettingValues.atLeast(0, SettingValues.size(text)));

    public static final Setting<Integer> WRITER_THREADS = new Setting<>(
            "writer.threads", "count or auto", "auto",
            "Threads that start the writes of fanned-out messages (see docs/threads.md). `auto`: one per"
                    + " processor. When every writer is blocked in a write to a reader that just fell behind,"
                    + " up to 32 spare writers start for a while.",
            text -> text.trim().equalsIgnoreCase("auto") ? Runtime.getRuntime().availableProcessors()
                    : SettingValues.atLeast(1, SettingValues.count(text)));

    public static final Setting<List<String>> HANDSHAKE_HEADERS = new Setting<>(
            "handshake.headers", "header list", "user-agent,x-forwarded-for,x-forwarded-proto,x-request-id",
            "Request headers of the WebSocket upgrade copied into the session's properties for the"
                    + " application (names are case-insensitive).",
            SettingValues::list);

    public static final Setting<Integer> STOMP_FRAME_MAX = new Setting<>(
            "stomp.frame.max", "size", "64KiB",
            "Largest STOMP frame (command, headers and body) a client may send; frames may span several"
                    + " WebSocket messages. A larger one gets an ERROR frame and the connection closes.",
            text -> SettingValues.atLeast(1024, SettingValues.size(text)));

    public static final Setting<Integer> STOMP_HEADER_COUNT_MAX = new Setting<>(
            "stomp.header.count.max", "count", "64",
            "Most headers in one STOMP frame.",
            text -> SettingValues.atLeast(8, SettingValues.count(text)));

    public static final Setting<Integer> STOMP_HEADER_LINE_MAX = new Setting<>(
            "stomp.header.line.max", "size", "8KiB",
            "Longest STOMP command or header line, in bytes.",
            text -> SettingValues.atLeast(256, SettingValues.size(text)));

    public static final Setting<Integer> STOMP_SUBSCRIPTIONS_MAX = new Setting<>(
            "stomp.subscriptions.max", "count", "256",
            "Most subscriptions one STOMP session may hold at once.",
            text -> SettingValues.atLeast(1, SettingValues.count(text)));

    public static final Setting<Integer> STOMP_TRANSACTION_FRAMES_MAX = new Setting<>(
            "stomp.transaction.frames.max", "count", "1000",
            "Most SEND/ACK/NACK frames one open STOMP transaction may hold (they are kept until COMMIT).",
            text -> SettingValues.atLeast(1, SettingValues.count(text)));

    public static final Setting<Integer> STOMP_QUEUE_BUFFER_MAX = new Setting<>(
            "stomp.queue.buffer.max", "count", "1000",
            "Messages a `/queue/...` destination keeps while it has no subscriber. When full, a SEND to it"
                    + " gets an ERROR (never dropped silently).",
            text -> SettingValues.atLeast(0, SettingValues.count(text)));

    public static final Setting<Integer> STOMP_UNACKED_MAX = new Setting<>(
            "stomp.unacked.max", "count", "1000",
            "Unacknowledged messages one `/queue` subscription with `ack:client` or `client-individual` may"
                    + " hold; it gets no more until it acknowledges (others get them, or they wait). Bounds what"
                    + " a consumer that never acknowledges can pin in memory.",
            text -> SettingValues.atLeast(1, SettingValues.count(text)));

    public static final Setting<List<Duration>> STOMP_HEARTBEAT = new Setting<>(
            "stomp.heartbeat", "two durations", "10s,10s",
            "The server's STOMP heart-beat offer: how often it can send heart-beats, then how often it"
                    + " wants them from the client (negotiated with the client's `heart-beat` header, per"
                    + " the spec). A client silent for twice the agreed interval is disconnected. `0,0`: none.",
            SettingValues::twoDurations);

    public static final Setting<List<String>> STOMP_USERS = new Setting<>(
            "stomp.users", "user list", "",
            "`name:HASH` entries checked against CONNECT's `login`/`passcode`, HASH a PBKDF2 hash"
                    + " (`pbkdf2-sha256:ITERATIONS:SALT:HASH`, see docs/security.md; plain passwords stop"
                    + " deployment). Empty: login and passcode are ignored and sessions are anonymous unless"
                    + " a token or the container authenticated the connection.",
            text -> {
                List<String> users = SettingValues.list(text);
                for (String user : users) {
                    if (user.indexOf(':') <= 0) {
                        throw new IllegalArgumentException("each user is name:hash; one entry has no name or no colon");
                    }
                }
                return users;
            });

    public static final Setting<Boolean> STOMP_ANONYMOUS = new Setting<>(
            "stomp.anonymous", "boolean", "true",
            "Whether a CONNECT without credentials (and no authenticated HTTP principal) is accepted.",
            SettingValues::bool);

    public static final Setting<List<String>> STOMP_HANDLERS = new Setting<>(
            "stomp.handlers", "class list", "",
            "More handler classes for `/app/...` destinations (methods annotated `@MessageMapping`,"
                    + " `@SubscribeMapping`), besides those the container's scan finds (classes annotated"
                    + " `@MessageController`). Created once per deployment like scanned ones.",
            SettingValues::list);

    public static final Setting<String> STOMP_MESSAGE_FRAMES = new Setting<>(
            "stomp.message.frames", "text or binary", "text",
            "WebSocket message type for MESSAGE frames sent to `/stomp` clients. `text`: as most servers"
                    + " do (bodies that are not UTF-8 still go binary). `binary`: every MESSAGE in binary"
                    + " messages: the container writes the bytes as encoded once instead of re-encoding text"
                    + " per recipient; @stomp/stompjs (5+) and Spring's client read both. Other frames stay text.",
            text -> switch (text.trim().toLowerCase(java.util.Locale.ROOT)) {
                case "text", "binary" -> text.trim().toLowerCase(java.util.Locale.ROOT);
                default -> throw new IllegalArgumentException("must be text or binary");
            });

    public static final Setting<Duration> SOCKJS_HEARTBEAT = new Setting<>(
            "sockjs.heartbeat", "duration", "25s",
            "SockJS: silence after which a receiving connection gets a heartbeat frame `h` (keeps proxies"
                    + " and load balancers from cutting idle connections).",
            text -> SettingValues.atLeast(Duration.ofMillis(100), SettingValues.duration(text)));

    public static final Setting<Duration> SOCKJS_DISCONNECT_DELAY = new Setting<>(
            "sockjs.disconnect.delay", "duration", "5s",
            "SockJS: how long an HTTP-transport session lives with no receiving request before it is"
                    + " closed and reclaimed.",
            text -> SettingValues.atLeast(Duration.ofMillis(100), SettingValues.duration(text)));

    public static final Setting<Integer> SOCKJS_STREAM_LIMIT = new Setting<>(
            "sockjs.stream.limit", "size", "128KiB",
            "SockJS: bytes one streaming response (xhr_streaming, eventsource, htmlfile) carries before"
                    + " the server ends it and the client opens the next (so the browser can free what it"
                    + " received). The test services always use 4096 bytes.",
            text -> SettingValues.atLeast(1, SettingValues.size(text)));

    public static final Setting<List<String>> SOCKJS_TRANSPORTS_DISABLED = new Setting<>(
            "sockjs.transports.disabled", "transport list", "",
            "SockJS transports turned off for every service: any of `websocket`, `xhr` (xhr-polling),"
                    + " `xhr_streaming`, `xhr_send` (turns off every xhr transport's sending), `eventsource`,"
                    + " `htmlfile`, `jsonp` (with `jsonp_send`). A disabled transport's URLs answer 404.",
            text -> {
                List<String> names = SettingValues.list(text);
                for (String name : names) {
                    if (!List.of("websocket", "xhr", "xhr_streaming", "xhr_send", "eventsource", "htmlfile", "jsonp")
                            .contains(name)) {
                        throw new IllegalArgumentException("unknown transport " + name);
                    }
                }
                return names;
            });

    public static final Setting<Boolean> SOCKJS_COOKIE_NEEDED = new Setting<>(
            "sockjs.cookie.needed", "boolean", "false",
            "SockJS `/sockjs/stomp`: whether HTTP transports set a `JSESSIONID` cookie (for load balancers"
                    + " that keep sessions sticky by it); `/info` tells clients.",
            SettingValues::bool);

    public static final Setting<String> SOCKJS_CLIENT_URL = new Setting<>(
            "sockjs.client.url", "URL", "/lib/sockjs-client/sockjs.min.js",
            "Where SockJS's iframe page loads sockjs-client from (the iframe-based transports need it). A"
                    + " path starting with `/` is taken within this deployment; the WAR serves sockjs-client"
                    + " 1.6.1 at the default.",
            String::trim);

    public static final Setting<java.time.Duration> SOCKJS_CORS_MAX_AGE = new Setting<>(
            "sockjs.cors.max.age", "duration", "24h",
            "How long browsers may cache the answer to a SockJS CORS preflight (OPTIONS) request. The"
                    + " SockJS protocol suite wants more than 1,000,000 s; a day keeps a changed origin list"
                    + " from lingering in browsers for a year.",
            text -> SettingValues.atLeast(Duration.ZERO, SettingValues.duration(text)));

    public static final Setting<Boolean> SOCKJS_TEST_SERVICES = new Setting<>(
            "sockjs.test.services", "boolean", "false",
            "Whether the SockJS protocol test services run: `/sockjs/echo`, `/sockjs/close`,"
                    + " `/sockjs/disabled_websocket_echo`, `/sockjs/cookie_needed_echo` (what the SockJS"
                    + " protocol test suite and client test pages use). Off unless asked for: nothing a"
                    + " deployment needs, and one more door open.",
            SettingValues::bool);

    public static final Setting<Integer> CHAT_HISTORY_SIZE = new Setting<>(
            "chat.history.size", "count", "50",
            "Chat: messages (ENTER, TALK, LEAVE) each room keeps and replays to whoever joins. 0: none.",
            text -> SettingValues.atLeast(0, SettingValues.count(text)));

    public static final Setting<Integer> CHAT_MESSAGE_MAX = new Setting<>(
            "chat.message.max", "count", "2000",
            "Chat: longest message text, in characters. A longer one is refused with an error to its sender.",
            text -> SettingValues.atLeast(1, SettingValues.count(text)));

    public static final Setting<Integer> CHAT_ROOMS_MAX = new Setting<>(
            "chat.rooms.max", "count", "1000",
            "Chat: most rooms held at once (rooms are made on first use; an empty one is dropped, with its"
                    + " history, to make room for a new one; when all are in use a new room is refused).",
            text -> SettingValues.atLeast(1, SettingValues.count(text)));

    /** All settings, in the order docs/settings.md lists them. */
    public static final List<Setting<?>> ALL = java.util.stream.Stream.concat(java.util.stream.Stream.of(
            ALLOWED_ORIGINS, PUBLIC_HOSTS, DRAIN_TIMEOUT, TEXT_MESSAGE_MAX, BINARY_MESSAGE_MAX, WEBSOCKET_BUFFER_SIZE,
            IDLE_TIMEOUT, SEND_TIMEOUT, OUTBOUND_QUEUE_MAX, OUTBOUND_COALESCE_MAX, WRITER_THREADS, HANDSHAKE_HEADERS,
            STOMP_FRAME_MAX, STOMP_HEADER_COUNT_MAX, STOMP_HEADER_LINE_MAX, STOMP_SUBSCRIPTIONS_MAX,
            STOMP_TRANSACTION_FRAMES_MAX, STOMP_QUEUE_BUFFER_MAX, STOMP_UNACKED_MAX, STOMP_HEARTBEAT, STOMP_USERS,
            STOMP_ANONYMOUS, STOMP_HANDLERS, STOMP_MESSAGE_FRAMES, SOCKJS_HEARTBEAT, SOCKJS_DISCONNECT_DELAY,
            SOCKJS_STREAM_LIMIT, SOCKJS_TRANSPORTS_DISABLED, SOCKJS_COOKIE_NEEDED, SOCKJS_CLIENT_URL,
            SOCKJS_CORS_MAX_AGE, SOCKJS_TEST_SERVICES, CHAT_HISTORY_SIZE, CHAT_MESSAGE_MAX, CHAT_ROOMS_MAX),
            java.util.stream.Stream.of(ApplicationSettings.ALL, SecuritySettings.ALL, LimitSettings.ALL, ClusterSettings.ALL, OperationsSettings.ALL)
                    .flatMap(List::stream)).toList();

    private final Map<Setting<?>, Object> values;

    private Settings(Map<Setting<?>, Object> values) {
        this.values = Collections.unmodifiableMap(values);
    }

    @SuppressWarnings("unchecked")
    public <T> T get(Setting<T> setting) {
        Object value = values.get(setting);
        if (value == null) {
            throw new IllegalArgumentException("not a Switchboard setting: " + setting.name());
        }
        return (T) value;
    }

    /** The defaults, with nothing read from anywhere. */
    public static Settings defaults() {
        return load(name -> null, Map.of(), new Properties());
    }

    /**
     * Resolves every setting: context-param, then environment variable, then system property;
     * the last one present wins.
     *
     * @param contextParams context-param lookup by full name ({@code switchboard.foo.bar})
     * @throws InvalidSettingException when a present value does not parse
     */
    public static Settings load(Function<String, String> contextParams, Map<String, String> environment,
                                Properties systemProperties) {
        Map<Setting<?>, Object> values = new IdentityHashMap<>();
        for (Setting<?> setting : ALL) {
            String text = setting.defaultText();
            String source = "default";
            String param = contextParams.apply(setting.propertyName());
            if (param != null) {
                text = param;
                source = "context-param " + setting.propertyName();
            }
            String env = environment.get(setting.environmentName());
            if (env != null) {
                text = env;
                source = "environment variable " + setting.environmentName();
            }
            String prop = systemProperties.getProperty(setting.propertyName());
            if (prop != null) {
                text = prop;
                source = "system property " + setting.propertyName();
            }
            try {
                values.put(setting, setting.parse(text));
            } catch (RuntimeException e) {
                throw new InvalidSettingException(setting, text, source, e.getMessage());
            }
        }
        for (String name : systemProperties.stringPropertyNames()) {
            warnIfUnknown(name, "system property");
        }
        for (String name : environment.keySet()) {
            if (name.startsWith("SWITCHBOARD_") && ALL.stream().noneMatch(s -> s.environmentName().equals(name))) {
                LOG.warning(() -> "Ignoring environment variable " + name + ": Switchboard has no such setting");
            }
        }
        return new Settings(values);
    }

    /** Logs a warning for a {@code switchboard.*} name that is no setting (a typo, most often). */
    static void warnIfUnknown(String propertyName, String where) {
        if (propertyName.startsWith("switchboard.")
                && ALL.stream().noneMatch(s -> s.propertyName().equals(propertyName))) {
            LOG.warning(() -> "Ignoring " + where + " " + propertyName + ": Switchboard has no such setting");
        }
    }

    /** The settings table of docs/settings.md, generated from the definitions above. */
    public static String markdownTable() {
        StringBuilder out = new StringBuilder();
        out.append("| setting | context-param / system property | environment variable | type | default | what it does |\n");
        out.append("|---|---|---|---|---|---|\n");
        for (Setting<?> s : ALL) {
            out.append("| `").append(s.name()).append("` | `").append(s.propertyName()).append("` | `")
                    .append(s.environmentName()).append("` | ").append(s.type()).append(" | ")
                    .append(s.defaultText().isEmpty() ? "(empty)" : "`" + s.defaultText() + "`")
                    .append(" | ").append(s.description().replace("|", "\\|")).append(" |\n");
        }
        return out.toString();
    }
}
