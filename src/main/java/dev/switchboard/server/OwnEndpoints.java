package dev.switchboard.server;

import dev.switchboard.chat.ChatEndpoint;
import dev.switchboard.echo.EchoEndpoint;
import dev.switchboard.sockjs.SockJsRawWebSocketEndpoint;
import dev.switchboard.sockjs.SockJsWebSocketEndpoint;
import dev.switchboard.stomp.StompEndpoint;
import jakarta.websocket.Endpoint;
import jakarta.websocket.server.ServerApplicationConfig;
import jakarta.websocket.server.ServerEndpointConfig;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Keeps the container from deploying Switchboard's own {@code @ServerEndpoint}s just because the
 * library jar is scanned: {@link Bootstrap} deploys the ones the {@code endpoints} setting names.
 * The application's own endpoints pass through unchanged.
 */
public final class OwnEndpoints implements ServerApplicationConfig {

    /** Switchboard's annotated endpoints, by the {@code endpoints} setting's names. */
    static List<Class<?>> of(String name) {
        return switch (name) {
            case "stomp" -> List.of(StompEndpoint.class);
            case "sockjs" -> List.of(SockJsWebSocketEndpoint.class, SockJsRawWebSocketEndpoint.class);
            case "echo" -> List.of(EchoEndpoint.class);
            case "chat" -> List.of(ChatEndpoint.class);
            default -> throw new IllegalArgumentException(name);
        };
    }

    private static final Set<Class<?>> OURS = Set.of(StompEndpoint.class, SockJsWebSocketEndpoint.class,
            SockJsRawWebSocketEndpoint.class, EchoEndpoint.class, ChatEndpoint.class);

    @Override
    public Set<ServerEndpointConfig> getEndpointConfigs(Set<Class<? extends Endpoint>> scanned) {
        return Set.of();
    }

    @Override
    public Set<Class<?>> getAnnotatedEndpointClasses(Set<Class<?>> scanned) {
        Set<Class<?>> theirs = new HashSet<>(scanned);
        theirs.removeAll(OURS);
        return theirs;
    }
}
