package dev.switchboard.stomp.app;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A mapped destination such as {@code /chat/{room}}: literal segments and variable segments. */
final class DestinationTemplate {

    private final String text;
    private final List<String> segments;

    private DestinationTemplate(String text, List<String> segments) {
        this.text = text;
        this.segments = segments;
    }

    static DestinationTemplate of(String path) {
        String p = path.startsWith("/") ? path : "/" + path;
        List<String> segments = new ArrayList<>(List.of(p.substring(1).split("/", -1)));
        for (String s : segments) {
            if (s.contains("{") && !(s.startsWith("{") && s.endsWith("}") && s.length() > 2)) {
                throw new IllegalArgumentException("a variable must be a whole segment, like /chat/{room}: " + path);
            }
        }
        return new DestinationTemplate(p, segments);
    }

    /** The variables when the path matches, else null. */
    Map<String, String> match(String path) {
        if (!path.startsWith("/")) {
            return null;
        }
        String[] parts = path.substring(1).split("/", -1);
        if (parts.length != segments.size()) {
            return null;
        }
        Map<String, String> variables = null;
        for (int i = 0; i < parts.length; i++) {
            String s = segments.get(i);
            if (s.startsWith("{")) {
                if (parts[i].isEmpty()) {
                    return null;
                }
                if (variables == null) {
                    variables = new HashMap<>();
                }
                variables.put(s.substring(1, s.length() - 1), parts[i]);
            } else if (!s.equals(parts[i])) {
                return null;
            }
        }
        return variables == null ? Map.of() : variables;
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
