package dev.switchboard.security;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.chat.ChatCodec;
import jakarta.websocket.DecodeException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Client JSON that never closes an object or array under a property the target type lacks: JSON-B
 * alone (Parsson 1.1.7) never returns on it. Each is refused at once, and through the chat
 * endpoint's decoder as a clear refusal.
 */
class JsonInputTest {

    /** Each of these spun a thread at full CPU for good inside {@code Jsonb.fromJson} before the check. */
    private static final List<String> CUT = List.of("{\"x\":{", "{\"x\":[", "{\"x\":{\"y\":",
            "{\"type\":\"TALK\",\"x\":{\"a\":1", "{\"x\":[{", "{\"x\":{\"a\":{");

    @Test
    void textThatEndsInsideAnObjectOrArrayIsRefusedAtOnce() {
        for (String text : CUT) {
            assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
                assertFalse(JsonInput.whole(text), text);
                ChatCodec.Decoder decoder = new ChatCodec.Decoder();
                decoder.init(null);
                try {
                    assertThrows(DecodeException.class, () -> decoder.decode(text), text);
                } finally {
                    decoder.destroy();
                }
            }, text);
        }
    }

    @Test
    void wholeJsonPasses() {
        assertTrue(JsonInput.whole("{\"type\":\"TALK\",\"text\":\"hi\",\"x\":{\"a\":[1,{}]}}"));
        assertTrue(JsonInput.whole("[1,2]"));
        assertFalse(JsonInput.whole("{\"a\":1}}"), "more after the value");
        assertFalse(JsonInput.whole(""));
    }
}
