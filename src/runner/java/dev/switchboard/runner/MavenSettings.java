package dev.switchboard.runner;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The {@code -Dswitchboard.*} settings given to the {@code mvn} command that started the runner
 * ({@code mvn -q package -DskipTests exec:exec -Dswitchboard.idle.timeout=2m}): Maven keeps its
 * own {@code -D}s and starts the server in another JVM, so the runner reads them from the command
 * line Maven's launcher exports ({@code MAVEN_CMD_LINE_ARGS}) and makes them system properties of
 * the server JVM, where the settings (and the warning for an unknown name) see them. Values are
 * split at spaces by that variable: write lists without spaces ({@code a,b}).
 */
final class MavenSettings {

    /** The build's own properties, not Switchboard settings. */
    private static final Set<String> BUILD = Set.of("switchboard.port", "switchboard.main", "switchboard.main.args",
            "switchboard.jvm.args");

    private MavenSettings() {
    }

    /** The {@code switchboard.*} properties set on that command line, in order. */
    static Map<String, String> from(String commandLine) {
        Map<String, String> found = new LinkedHashMap<>();
        if (commandLine == null) {
            return found;
        }
        for (String word : commandLine.trim().split("\\s+")) {
            if (!word.startsWith("-Dswitchboard.")) {
                continue;
            }
            int equals = word.indexOf('=');
            String name = equals < 0 ? word.substring(2) : word.substring(2, equals);
            if (!BUILD.contains(name)) {
                found.put(name, equals < 0 ? "true" : word.substring(equals + 1));
            }
        }
        return found;
    }

    /** Sets them as system properties, unless the JVM was given one of them itself. */
    static void apply(Map<String, String> settings) {
        settings.forEach((name, value) -> {
            if (System.getProperty(name) == null) {
                System.setProperty(name, value);
            }
        });
    }
}
