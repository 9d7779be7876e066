package dev.switchboard.security;

import dev.switchboard.broker.DestinationPattern;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Principal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Who may SUBSCRIBE or SEND where, from a small rules file: one rule a line,
 * {@code COMMAND PATTERN WHO}, where COMMAND is {@code SUBSCRIBE}, {@code SEND} or {@code *},
 * PATTERN is a destination pattern in the broker's syntax ({@code /topic/chat.*},
 * {@code /queue/**}), and WHO is {@code permitAll}, {@code authenticated}, {@code denyAll} or
 * {@code role:a,b}. The first rule that matches decides; what no rule matches is denied. Checked
 * when a client subscribes or sends, never per delivery.
 *
 * <p>A subscription with wildcards passes a rule only if the rule covers all it could match: the
 * same pattern, or a rule ending in {@code **} whose literal start is the subscription's start. So
 * {@code /topic/**} is not let through by a rule for {@code /topic/*}.
 */
public final class DestinationRules {

    /** The two frames rules apply to. */
    public enum Command { SUBSCRIBE, SEND }

    private record Rule(int line, Command command, String text, DestinationPattern pattern, String who,
                        Set<String> roles) {
        boolean applies(Command c, String destination) {
            if (command != null && command != c) {
                return false;
            }
            if (!DestinationPattern.isPattern(destination)) {
                return pattern.matches(destination);
            }
            if (text.equals(destination)) {
                return true;
            }
            if (!text.endsWith("**")) {
                return false;
            }
            String prefix = text.substring(0, text.length() - 2);
            int firstWildcard = destination.indexOf('*');
            return !DestinationPattern.isPattern(prefix) && destination.substring(0, firstWildcard).startsWith(prefix);
        }

        @Override
        public String toString() {
            return "rule " + line + " (" + (command == null ? "*" : command) + " " + text + " " + who + ")";
        }
    }

    private final List<Rule> rules;
    private final String source;

    private DestinationRules(List<Rule> rules, String source) {
        this.rules = List.copyOf(rules);
        this.source = source;
    }

    /** Reads a rules file; a line that does not parse stops deployment, naming the file and line. */
    public static DestinationRules load(Path file) {
        try {
            return parse(Files.readAllLines(file), file.toString());
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the rules file " + file + ": " + e.getMessage(), e);
        }
    }

    public static DestinationRules parse(List<String> lines, String source) {
        List<Rule> rules = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] parts = line.split("\\s+");
            String where = source + " line " + (i + 1) + ": ";
            if (parts.length != 3) {
                throw new IllegalArgumentException(where + "a rule is COMMAND PATTERN WHO, such as"
                        + " 'SUBSCRIBE /topic/chat.* permitAll'");
            }
            Command command = switch (parts[0].toUpperCase(Locale.ROOT)) {
                case "SUBSCRIBE" -> Command.SUBSCRIBE;
                case "SEND" -> Command.SEND;
                case "*" -> null;
                default -> throw new IllegalArgumentException(where + "the command is SUBSCRIBE, SEND or *, not " + parts[0]);
            };
            if (!parts[1].startsWith("/")) {
                throw new IllegalArgumentException(where + "a destination pattern starts with /");
            }
            DestinationPattern pattern;
            try {
                pattern = DestinationPattern.compile(parts[1]);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + e.getMessage(), e);
            }
            String who = parts[2];
            Set<String> roles = Set.of();
            if (who.startsWith("role:")) {
                roles = Set.of(who.substring(5).split(","));
                if (roles.contains("")) {
                    throw new IllegalArgumentException(where + "role:NAME[,NAME...]");
                }
            } else if (!who.equals("permitAll") && !who.equals("authenticated") && !who.equals("denyAll")) {
                throw new IllegalArgumentException(where + "who is permitAll, authenticated, denyAll or role:NAME,..."
                        + " not " + who);
            }
            rules.add(new Rule(i + 1, command, parts[1], pattern, who, roles));
        }
        return new DestinationRules(rules, source);
    }

    /** Null when the client may; else why not, for the ERROR frame (the rule, never more). */
    public String refusal(Command command, String destination, Principal principal) {
        for (Rule rule : rules) {
            if (!rule.applies(command, destination)) {
                continue;
            }
            return switch (rule.who()) {
                case "permitAll" -> null;
                case "denyAll" -> command + " to " + destination + " is denied by " + rule;
                case "authenticated" -> principal != null ? null
                        : command + " to " + destination + " needs a signed-in user (" + rule + ")";
                default -> hasRole(principal, rule.roles()) ? null
                        : command + " to " + destination + " needs one of the roles " + rule.roles() + " (" + rule + ")";
            };
        }
        return command + " to " + destination + " matches no rule, so it is denied (rules: " + source + ")";
    }

    public int size() {
        return rules.size();
    }

    /** Whether the principal holds one of the roles (token roles; other principals hold none). */
    public static boolean hasRole(Principal principal, Set<String> roles) {
        if (principal instanceof TokenPrincipal token) {
            for (String r : token.roles()) {
                if (roles.contains(r)) {
                    return true;
                }
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return rules.size() + " rules from " + source;
    }
}
