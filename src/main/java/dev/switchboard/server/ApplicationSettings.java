package dev.switchboard.server;

import java.util.List;
import java.util.Set;

/**
 * The settings that shape an application built on Switchboard: which of Switchboard's own
 * endpoints it serves, where its handlers come from besides the scan, and where their errors go.
 * Part of {@link Settings#ALL}.
 */
public final class ApplicationSettings {

    private ApplicationSettings() {
    }

    /** Switchboard's own endpoints an application may serve. */
    static final Set<String> ENDPOINT_NAMES = Set.of("stomp", "sockjs", "echo", "chat");

    public static final Setting<List<String>> ENDPOINTS = new Setting<>(
            "endpoints", "list", "stomp, sockjs",
            "Which of Switchboard's own endpoints this application serves: `stomp` (`/stomp`),"
                    + " `sockjs` (`/sockjs/stomp` and SockJS's other URLs), `echo` (`/echo` and the"
                    + " `/app/echo` handler), `chat` (`/chat/{room}` and the `/app/chat/{room}` handler)."
                    + " The demo WAR's web.xml names all four; an application gets the broker only.",
            text -> {
                List<String> names = SettingValues.list(text);
                for (String name : names) {
                    if (!ENDPOINT_NAMES.contains(name)) {
                        throw new IllegalArgumentException("no endpoint \"" + name + "\"; the endpoints are "
                                + String.join(", ", ENDPOINT_NAMES.stream().sorted().toList()));
                    }
                }
                return names;
            });

    public static final Setting<String> APPLICATION = new Setting<>(
            "application", "class name", "",
            "A subclass of `dev.switchboard.api.MessagingApplication` listing the application's handler,"
                    + " interceptor and listener classes, for a WAR the container's scan does not cover;"
                    + " adds to what the scan found.",
            String::strip);

    public static final Setting<String> STOMP_APP_ERRORS = new Setting<>(
            "stomp.app.errors", "destination", "/queue/errors",
            "Where a SEND or SUBSCRIBE to `/app/...` that fails is answered (no handler, a payload that"
                    + " does not convert, a handler's refusal or exception): a MESSAGE to the sending session"
                    + " only, on this user destination (clients subscribe to `/user/queue/errors`). The"
                    + " connection stays open.",
            text -> {
                String d = text.strip();
                if (!d.startsWith("/queue/") && !d.startsWith("/topic/")) {
                    throw new IllegalArgumentException("a user destination such as /queue/errors");
                }
                return d;
            });

    static final List<Setting<?>> ALL = List.of(ENDPOINTS, APPLICATION, STOMP_APP_ERRORS);
}
