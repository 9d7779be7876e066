package dev.switchboard.sockjs;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The SockJS message parser on arbitrary text and on mutations of valid batches: the only
 * exception it may throw is its own {@code BrokenJsonException}, and it is quick whatever the input.
 */
class SockJsJsonFuzzTest {

    @Provide
    Arbitrary<String> bodies() {
        Arbitrary<String> noise = Arbitraries.strings().withChars("[]\"\\,:{}u0aé \n\u2028").ofMaxLength(200);
        Arbitrary<String> nested = Arbitraries.integers().between(1, 5000).map(n -> "[".repeat(n) + "]".repeat(n));
        Arbitrary<String> mutated = Arbitraries.strings().withChars("ab\"\\u0\u00e9").ofMaxLength(30)
                .map(s -> "[\"" + s + "\",\"x\"]");
        return Arbitraries.oneOf(noise, nested, mutated);
    }

    @Property(tries = 2000)
    void onlyItsOwnErrorEscapes(@ForAll("bodies") String body) {
        long start = System.nanoTime();
        try {
            List<String> messages = SockJsJson.messages(body, false);
            assertTrue(messages.size() <= body.length());
        } catch (SockJsJson.BrokenJsonException expected) {
            // a clear refusal
        }
        assertTrue(System.nanoTime() - start < 200_000_000L, "took too long on " + body.length() + " chars");
    }
}
