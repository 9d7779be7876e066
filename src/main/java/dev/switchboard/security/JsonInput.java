package dev.switchboard.security;

import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.stream.JsonParser;
import jakarta.json.stream.JsonParserFactory;
import java.io.StringReader;

/**
 * JSON from a client, checked whole before JSON-B binds it. Parsson 1.1.7 (under Yasson) never
 * returns when it skips a property the target type does not have and the text ends before that
 * property's object or array closes: {@code {"x":{} } without its last brace spins a thread at full
 * CPU for good. A streaming pass over every event refuses such text at once (a
 * {@link jakarta.json.stream.JsonParsingException}), for the cost of reading it twice.
 */
public final class JsonInput {

    private static final JsonParserFactory PARSERS = Json.createParserFactory(null);

    private JsonInput() {
    }

    /** Returns normally when {@code text} is one complete JSON value. @throws JsonException when it is not */
    public static void requireWhole(String text) {
        try (JsonParser parser = PARSERS.createParser(new StringReader(text))) {
            while (parser.hasNext()) {
                parser.next();
            }
        }
    }

    /** Whether {@code text} is one complete JSON value. */
    public static boolean whole(String text) {
        try {
            requireWhole(text);
            return true;
        } catch (JsonException e) {
            return false;
        }
    }
}
