package dev.switchboard.broker;

/**
 * A subscription pattern over destination names: {@code *} matches one segment or part of one
 * (no {@code /} or {@code .} in it), {@code **} matches anything, separators included.
 * {@code /topic/chat.*} matches {@code /topic/chat.lobby}; {@code /topic/prices/**} matches
 * {@code /topic/prices/eu/fr}.
 *
 * <p>Matching never backtracks: the pattern is compiled to a list of steps and the matcher walks
 * the destination once, keeping the set of steps it may be at (a bit set), so a match costs at
 * most destination length × steps, whatever the pattern. A client's pattern such as
 * {@code /topic/**a**a**a**b} cannot make a publisher's thread spin. The number of wildcards is
 * bounded when the pattern is compiled.
 */
public final class DestinationPattern {

    private static final char STAR = 0xFFFF;        // a step: any run of characters but separators
    private static final char DOUBLE_STAR = 0xFFFE; // a step: any run of characters

    private final String pattern;
    /** One step per literal character or wildcard. */
    private final char[] steps;

    private DestinationPattern(String pattern, char[] steps) {
        this.pattern = pattern;
        this.steps = steps;
    }

    public static boolean isPattern(String destination) {
        return destination.indexOf('*') >= 0;
    }

    /** Compiles with no limit on wildcards (trusted patterns). */
    public static DestinationPattern compile(String pattern) {
        return compile(pattern, Integer.MAX_VALUE);
    }

    /**
     * @param wildcardsMax most {@code *} or {@code **} a pattern may hold
     * @throws IllegalArgumentException for {@code ***} or more wildcards than allowed
     */
    public static DestinationPattern compile(String pattern, int wildcardsMax) {
        char[] steps = new char[pattern.length()];
        int n = 0;
        int wildcards = 0;
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c == STAR || c == DOUBLE_STAR) {
                throw new IllegalArgumentException("the pattern holds a noncharacter (U+FFFE or U+FFFF)");
            }
            if (c != '*') {
                steps[n++] = c;
                continue;
            }
            int run = 1;
            while (i + run < pattern.length() && pattern.charAt(i + run) == '*') {
                run++;
            }
            if (run > 2) {
                throw new IllegalArgumentException("\"***\" is not a pattern: use * or **");
            }
            if (++wildcards > wildcardsMax) {
                throw new IllegalArgumentException("more than " + wildcardsMax + " wildcards in one pattern");
            }
            steps[n++] = run == 2 ? DOUBLE_STAR : STAR;
            i += run - 1;
        }
        return new DestinationPattern(pattern, java.util.Arrays.copyOf(steps, n));
    }

    /**
     * A Redis glob ({@code PSUBSCRIBE}) that matches every name this pattern matches, and maybe
     * more: each wildcard becomes {@code *}, and the glob's own special characters are escaped.
     * Whoever receives through it still filters with {@link #matches}.
     */
    public String glob() {
        StringBuilder glob = new StringBuilder(steps.length + 4);
        for (char step : steps) {
            if (step == STAR || step == DOUBLE_STAR) {
                glob.append('*');
            } else {
                if (step == '*' || step == '?' || step == '[' || step == ']' || step == '\\') {
                    glob.append('\\');
                }
                glob.append(step);
            }
        }
        return glob.toString();
    }

    /** How many wildcards the pattern holds. */
    public int wildcards() {
        int n = 0;
        for (char s : steps) {
            if (s == STAR || s == DOUBLE_STAR) {
                n++;
            }
        }
        return n;
    }

    public boolean matches(String destination) {
        int k = steps.length;
        long[] at = new long[(k >> 6) + 1];   // steps the walk may be at (k: past the last one)
        long[] next = new long[at.length];
        set(at, 0);
        close(at);
        for (int i = 0; i < destination.length(); i++) {
            char c = destination.charAt(i);
            boolean separator = c == '/' || c == '.';
            java.util.Arrays.fill(next, 0);
            boolean any = false;
            for (int w = 0; w < at.length; w++) {
                long bits = at[w];
                while (bits != 0) {
                    int p = (w << 6) + Long.numberOfTrailingZeros(bits);
                    bits &= bits - 1;
                    if (p == k) {
                        continue; // past the end: any more input fails this path
                    }
                    char step = steps[p];
                    if (step == DOUBLE_STAR || (step == STAR && !separator)) {
                        set(next, p); // the wildcard takes this character and may take more
                        any = true;
                    } else if (step == c) {
                        set(next, p + 1);
                        any = true;
                    }
                }
            }
            if (!any) {
                return false;
            }
            long[] swap = at;
            at = next;
            next = swap;
            close(at);
        }
        return (at[k >> 6] & (1L << (k & 63))) != 0;
    }

    /** A wildcard may also take nothing: being at it means being at the step after it too. */
    private void close(long[] at) {
        for (int p = 0; p < steps.length; p++) {
            if ((at[p >> 6] & (1L << (p & 63))) != 0 && (steps[p] == STAR || steps[p] == DOUBLE_STAR)) {
                set(at, p + 1);
            }
        }
    }

    private static void set(long[] bits, int p) {
        bits[p >> 6] |= 1L << (p & 63);
    }

    @Override
    public String toString() {
        return pattern;
    }
}
