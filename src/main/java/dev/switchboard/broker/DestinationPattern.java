package dev.switchboard.broker;

/**
 * A subscription pattern over destination names: {@code *} matches one segment or part of one
 * (no {@code /} or {@code .} in it), {@code **} matches anything, separators included.
 * {@code /topic/chat.*} matches {@code /topic/chat.lobby}; {@code /topic/prices/**} matches
 * {@code /topic/prices/eu/fr}.
 */
public final class DestinationPattern {

    private final String pattern;

    private DestinationPattern(String pattern) {
        this.pattern = pattern;
    }

    public static boolean isPattern(String destination) {
        return destination.indexOf('*') >= 0;
    }

    public static DestinationPattern compile(String pattern) {
        if (pattern.contains("***")) {
            throw new IllegalArgumentException("\"***\" is not a pattern: use * or **");
        }
        return new DestinationPattern(pattern);
    }

    public boolean matches(String destination) {
        return match(0, destination, 0);
    }

    private boolean match(int p, String s, int i) {
        while (p < pattern.length()) {
            char c = pattern.charAt(p);
            if (c == '*') {
                boolean any = p + 1 < pattern.length() && pattern.charAt(p + 1) == '*';
                int rest = p + (any ? 2 : 1);
                for (int j = i; j <= s.length(); j++) {
                    if (match(rest, s, j)) {
                        return true;
                    }
                    if (j < s.length() && !any && (s.charAt(j) == '/' || s.charAt(j) == '.')) {
                        return false;
                    }
                }
                return false;
            }
            if (i >= s.length() || s.charAt(i) != c) {
                return false;
            }
            p++;
            i++;
        }
        return i == s.length();
    }

    @Override
    public String toString() {
        return pattern;
    }
}
