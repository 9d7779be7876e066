package dev.switchboard.stomp.app;

import dev.switchboard.api.MessageMapping;
import dev.switchboard.api.SendTo;
import dev.switchboard.security.JsonInput;

import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.json.bind.JsonbException;
import java.time.Instant;

/**
 * The shipped echo: a SEND to {@code /app/echo} is published to {@code /topic/messages} as
 * {@code {"message": ..., "timestamp": ...}}. The body is taken as text, or, when it is a JSON
 * object with a {@code message} field, as that field.
 */
public final class EchoHandler {

    /** What the echo publishes. */
    public record Echo(String message, String timestamp) { }

    /** A JSON request body. */
    public static final class Request {
        public String message;
    }

    private final Jsonb jsonb = JsonbBuilder.create();

    @MessageMapping("/echo")
    @SendTo("/topic/messages")
    public Echo echo(String body) {
        String message = body;
        String trimmed = body.strip();
        if (trimmed.startsWith("{") && JsonInput.whole(trimmed)) {
            try {
                Request request = jsonb.fromJson(trimmed, Request.class);
                if (request != null && request.message != null) {
                    message = request.message;
                }
            } catch (JsonbException notJson) {
                // plain text that happens to start with a brace
            }
        }
        return new Echo(message, Instant.now().toString());
    }
}
