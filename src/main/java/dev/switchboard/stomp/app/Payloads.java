package dev.switchboard.stomp.app;

import dev.switchboard.security.JsonInput;
import jakarta.json.JsonException;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbException;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Bodies to handler arguments and handler results to bodies, by content type: text as
 * {@code String}, bytes as {@code byte[]}, JSON through JSON-B for any other class.
 */
final class Payloads {

    static final String JSON = "application/json";
    static final String TEXT = "text/plain;charset=UTF-8";
    static final String BYTES = "application/octet-stream";

    /** A result ready to send. */
    record Body(byte[] bytes, String contentType) {
    }

    private final Jsonb jsonb;

    Payloads(Jsonb jsonb) {
        this.jsonb = jsonb;
    }

    /**
     * The body as the parameter's type.
     *
     * @throws BadRequest when it does not convert (the JSON library's words stay in the log: they
     *                    name the application's Java types)
     */
    Object read(byte[] body, String contentType, Class<?> type, Type generic, String destination) throws BadRequest {
        if (type == byte[].class) {
            return body;
        }
        if (type == String.class) {
            return new String(body, StandardCharsets.UTF_8);
        }
        if (contentType != null && !json(contentType)) {
            throw new BadRequest("the payload for " + destination + " must be JSON (content-type " + JSON
                    + "), not " + contentType);
        }
        try {
            String text = new String(body, StandardCharsets.UTF_8);
            JsonInput.requireWhole(text);
            Object value = jsonb.fromJson(text, generic);
            if (value == null) {
                throw new BadRequest("the payload for " + destination + " is empty or null");
            }
            return value;
        } catch (JsonbException | JsonException | IllegalArgumentException e) {
            throw new BadRequest("the payload for " + destination + " is not the JSON this destination takes", e);
        }
    }

    Body write(Object value) {
        if (value instanceof String text) {
            return new Body(text.getBytes(StandardCharsets.UTF_8), TEXT);
        }
        if (value instanceof byte[] bytes) {
            return new Body(bytes, BYTES);
        }
        return new Body(jsonb.toJson(value).getBytes(StandardCharsets.UTF_8), JSON);
    }

    private static boolean json(String contentType) {
        String type = contentType.toLowerCase(Locale.ROOT);
        int semicolon = type.indexOf(';');
        String base = (semicolon < 0 ? type : type.substring(0, semicolon)).trim();
        return base.equals(JSON) || base.endsWith("+json") || base.equals("text/json");
    }

    /** The client's request cannot be served as sent: answered to the sender, who stays connected. */
    static final class BadRequest extends Exception {
        BadRequest(String message) {
            super(message);
        }

        BadRequest(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
