package dev.switchboard.it;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads a counter out of /stats JSON. */
final class Stats {

    private Stats() {
    }

    static long number(String json, String name) {
        Matcher m = Pattern.compile("\"" + Pattern.quote(name) + "\":(\\d+)").matcher(json);
        if (!m.find()) {
            throw new AssertionError("no counter " + name + " in " + json);
        }
        return Long.parseLong(m.group(1));
    }
}
