package dev.switchboard.server;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parsers for the value types settings use: sizes, durations, lists. */
final class SettingValues {

    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(b|k|kb|kib|m|mb|mib)?");
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h)?");

    private SettingValues() {
    }

    /**
     * "65536b", "64k", "64KiB", "1m", "1MiB": binary multiples. A bare number is refused (is 300 bytes
     * or kilobytes meant?), except 0.
     */
    static int size(String text) {
        return size(text, true);
    }

    private static int size(String text, boolean unitRequired) {
        Matcher m = SIZE.matcher(text.toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("not a size (write 65536b, 64KiB or 1MiB)");
        }
        if (unitRequired && m.group(2) == null && Long.parseLong(m.group(1)) != 0) {
            throw new IllegalArgumentException("a size needs its unit: " + text + "b, " + text + "KiB or " + text + "MiB?");
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "b" : m.group(2);
        long bytes = switch (unit.charAt(0)) {
            case 'k' -> n * 1024;
            case 'm' -> n * 1024 * 1024;
            default -> n;
        };
        if (bytes > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("size too large (at most 2 GiB - 1)");
        }
        return (int) bytes;
    }

    private static final Pattern SHARE = Pattern.compile("(\\d{1,2})\\s*%");
    private static final Pattern RATE = Pattern.compile("(\\d+\\s*(?:b|k|kb|kib|m|mb|mib)?)\\s*/\\s*s\\s*(?:,\\s*(\\d+\\s*(?:b|k|kb|kib|m|mb|mib)?))?");

    /** "25%" of the JVM's largest heap, or a size ("256MiB"); in bytes. */
    static long heapShare(String text) {
        Matcher m = SHARE.matcher(text.toLowerCase(Locale.ROOT));
        if (m.matches()) {
            int percent = Integer.parseInt(m.group(1));
            if (percent < 1) {
                throw new IllegalArgumentException("a share of the heap is 1% to 99%");
            }
            return Runtime.getRuntime().maxMemory() / 100 * percent;
        }
        try {
            return size(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a share of the heap or a size (write 25% or 256MiB)");
        }
    }

    /** "100/s" (bursts of as many), "100/s,400" (bursts of 400), or "0" (no limit). */
    static dev.switchboard.security.RateLimit rate(String text) {
        if (text.trim().equals("0")) {
            return dev.switchboard.security.RateLimit.NONE;
        }
        Matcher m = RATE.matcher(text.toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("not a rate (write 100/s, 100/s,400 for bursts of 400, 4MiB/s, or 0 for none)");
        }
        long rate = size(m.group(1), false);
        long burst = m.group(2) == null ? rate : size(m.group(2), false);
        if (rate < 1 || burst < 1) {
            throw new IllegalArgumentException("a rate and its burst are at least 1 (0 alone: no limit)");
        }
        return new dev.switchboard.security.RateLimit(rate, burst);
    }

    /** "250ms", "30s", "5m", "1h"; a bare number is milliseconds. */
    /** "250ms", "30s", "5m", "1h". A bare number is refused (is 300 milliseconds or seconds meant?), except 0. */
    static Duration duration(String text) {
        Matcher m = DURATION.matcher(text.toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("not a duration (write 250ms, 30s, 5m or 1h)");
        }
        if (m.group(2) == null && Long.parseLong(m.group(1)) != 0) {
            throw new IllegalArgumentException("a duration needs its unit: " + text + "ms, " + text + "s, " + text
                    + "m or " + text + "h?");
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "ms" : m.group(2);
        return switch (unit) {
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofMillis(n);
        };
    }

    /** A non-negative whole number. */
    static int count(String text) {
        try {
            int n = Integer.parseInt(text.trim());
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // fall through
        }
        throw new IllegalArgumentException("not a count (write a whole number such as 100)");
    }

    /** "true" or "false". */
    static boolean bool(String text) {
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on" -> true;
            case "false", "no", "off" -> false;
            default -> throw new IllegalArgumentException("not a boolean (write true or false)");
        };
    }

    /** Two durations separated by a comma: "10s,10s". */
    static List<Duration> twoDurations(String text) {
        List<String> parts = list(text);
        if (parts.size() != 2) {
            throw new IllegalArgumentException("not two durations (write 10s,10s)");
        }
        return List.of(duration(parts.get(0)), duration(parts.get(1)));
    }

    /** Comma-separated, blanks dropped. */
    static List<String> list(String text) {
        return Arrays.stream(text.split(","))
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .toList();
    }

    static int atLeast(int min, int value) {
        if (value < min) {
            throw new IllegalArgumentException("must be at least " + min);
        }
        return value;
    }

    static Duration atLeast(Duration min, Duration value) {
        if (value.compareTo(min) < 0) {
            throw new IllegalArgumentException("must be at least " + min.toMillis() + "ms");
        }
        return value;
    }
}
