package dev.switchboard.runner;

import jakarta.websocket.OnMessage;
import jakarta.websocket.server.ServerEndpoint;

/**
 * The floor for memory per connection: a WebSocket endpoint that holds nothing and does nothing,
 * deployed alone in a WAR made at run time ({@link IdleMemoryBenchmark} {@code --floor}), so that
 * what one idle connection costs in that Tomcat is Tomcat's own cost.
 */
@ServerEndpoint("/bare")
public class BareEndpoint {

    @OnMessage
    public void ignore(String message) {
        // nothing: the floor
    }
}
