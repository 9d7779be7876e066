package dev.switchboard.stomp.app;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A mapped destination such as {@code /chat/{room}}: literal segments, variable segments
 * ({@code {room}}), segments matching anything ({@code *}) and, last, {@code **} for the rest of
 * the destination. Matching is one pass over the segments: linear in the destination's length,
 * whatever the client sends.
 */
final class DestinationTemplate {

    private static final String REST = "**";

    private final String text;
    private final List<String> segments;
    private final boolean rest;

    private DestinationTemplate(String text, List<String> segments, boolean rest) {
        this.text = text;
        this.segments = segments;
        this.rest = rest;
    }

    static DestinationTemplate of(String path) {
        String p = path.startsWith("/") ? path : "/" + path;
        List<String> segments = new ArrayList<>(List.of(p.substring(1).split("/", -1)));
        for (int i = 0; i < segments.size(); i++) {
            String s = segments.get(i);
            if (s.contains("{") && !(s.startsWith("{") && s.endsWith("}") && s.length() > 2)) {
                throw new IllegalArgumentException("a variable must be a whole segment, like /chat/{room}: " + path);
            }
            if (s.contains("*") && !s.equals("*") && !s.equals(REST)) {
                throw new IllegalArgumentException("a wildcard must be a whole segment, * or **: " + path);
            }
            if (s.equals(REST) && i != segments.size() - 1) {
                throw new IllegalArgumentException("** may only be the last segment: " + path);
            }
        }
        boolean rest = !segments.isEmpty() && segments.get(segments.size() - 1).equals(REST);
        if (rest) {
            segments.remove(segments.size() - 1);
        }
        return new DestinationTemplate(p, List.copyOf(segments), rest);
    }

    /** Joins a class-level prefix and a method's destination. */
    static String join(String prefix, String path) {
        if (prefix.isEmpty()) {
            return path;
        }
        String p = prefix.startsWith("/") ? prefix : "/" + prefix;
        if (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        return p + (path.startsWith("/") ? path : "/" + path);
    }

    /** The variables when the path matches, else null. */
    Map<String, String> match(String path) {
        if (!path.startsWith("/")) {
            return null;
        }
        String[] parts = path.substring(1).split("/", -1);
        if (rest ? parts.length < segments.size() : parts.length != segments.size()) {
            return null;
        }
        Map<String, String> variables = null;
        for (int i = 0; i < segments.size(); i++) {
            String s = segments.get(i);
            if (s.startsWith("{")) {
                if (parts[i].isEmpty()) {
                    return null;
                }
                if (variables == null) {
                    variables = new HashMap<>();
                }
                variables.put(s.substring(1, s.length() - 1), parts[i]);
            } else if (s.equals("*")) {
                if (parts[i].isEmpty()) {
                    return null;
                }
            } else if (!s.equals(parts[i])) {
                return null;
            }
        }
        return variables == null ? Map.of() : variables;
    }

    /** Whether a more specific template should be tried first: more literal segments, fewer wildcards. */
    int specificity() {
        int n = rest ? 0 : 1000;
        for (String s : segments) {
            n += s.startsWith("{") || s.equals("*") ? 1 : 10;
        }
        return n;
    }

    /** Puts the variables into a destination such as {@code /topic/chat.{room}}. */
    String fill(String destination, Map<String, String> variables) {
        String out = destination;
        for (Map.Entry<String, String> v : variables.entrySet()) {
            out = out.replace("{" + v.getKey() + "}", v.getValue());
        }
        return out;
    }

    @Override
    public String toString() {
        return text;
    }
}
