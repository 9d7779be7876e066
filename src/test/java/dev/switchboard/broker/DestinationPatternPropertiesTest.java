package dev.switchboard.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * The matcher agrees with the obvious (backtracking) regular expression on every small input,
 * and takes time linear in the destination's length on the inputs that made the old matcher
 * backtrack for seconds.
 */
class DestinationPatternPropertiesTest {

    @Provide
    Arbitrary<String> patterns() {
        return Arbitraries.strings().withChars("ab/.*").ofMaxLength(10).filter(p -> !p.contains("***"));
    }

    @Provide
    Arbitrary<String> destinations() {
        return Arbitraries.strings().withChars("ab/.").ofMaxLength(12);
    }

    @Property(tries = 3000)
    void agreesWithTheRegularExpression(@ForAll("patterns") String pattern, @ForAll("destinations") String destination) {
        assertEquals(reference(pattern).matcher(destination).matches(),
                DestinationPattern.compile(pattern).matches(destination), pattern + " vs " + destination);
    }

    @Property(tries = 200)
    void anyPatternMatchesAnyDestinationQuickly(@ForAll("patterns") String pattern,
                                                @ForAll("destinations") String seed) {
        String destination = (seed + "a").repeat(2000 / (seed.length() + 1)); // ~2000 characters
        String wide = (pattern + "/**a").repeat(8);
        long start = System.nanoTime();
        DestinationPattern.compile(wide).matches(destination);
        long micros = (System.nanoTime() - start) / 1000;
        assertTrue(micros < 200_000, wide + " took " + micros + " µs on " + destination.length() + " characters");
    }

    /** What made one SEND take 3.3 s: 13 groups of ** against 200 characters that almost match. */
    @Test
    void theBacktrackingAttackIsLinear() {
        DestinationPattern p = DestinationPattern.compile("/topic/" + "**a".repeat(12) + "**b");
        String destination = "/topic/" + "a".repeat(200);
        for (int warm = 0; warm < 200; warm++) {
            p.matches(destination);
        }
        long start = System.nanoTime();
        assertFalse(p.matches(destination));
        long micros = (System.nanoTime() - start) / 1000;
        assertTrue(micros < 50_000, "took " + micros + " µs");
        assertTrue(p.matches(destination + "b"));
    }

    @Test
    void tooManyWildcardsAreRefused() {
        assertEquals(2, DestinationPattern.compile("/topic/*.**", 2).wildcards());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DestinationPattern.compile("/topic/*.*.*", 2));
        assertTrue(e.getMessage().contains("more than 2 wildcards"), e.getMessage());
    }

    private static Pattern reference(String pattern) {
        StringBuilder regex = new StringBuilder();
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c == '*' && i + 1 < pattern.length() && pattern.charAt(i + 1) == '*') {
                regex.append(".*");
                i++;
            } else if (c == '*') {
                regex.append("[^/.]*");
            } else {
                regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(regex.toString());
    }
}
