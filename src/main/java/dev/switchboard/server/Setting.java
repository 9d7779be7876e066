package dev.switchboard.server;

import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;

/**
 * One named, typed, documented setting with its default.
 *
 * <p>Setting {@code foo.bar} is read from the context-param and system property
 * {@code switchboard.foo.bar} and from the environment variable {@code SWITCHBOARD_FOO_BAR}.
 *
 * @param name        the short name, dotted lower case
 * @param type        what a value looks like, for people ("size", "duration", "origin list")
 * @param defaultText the default, written as a person would write a value
 * @param description what the setting controls
 * @param parser      turns text into the value; throws {@link IllegalArgumentException} with a reason
 */
public record Setting<T>(String name, String type, String defaultText, String description,
                         Function<String, T> parser) {

    public Setting {
        Objects.requireNonNull(name);
        if (!name.matches("[a-z][a-z0-9]*(\\.[a-z][a-z0-9]*)*")) {
            throw new IllegalArgumentException("setting names are dotted lower-case words: " + name);
        }
    }

    /** Context-param and system property name. */
    public String propertyName() {
        return "switchboard." + name;
    }

    /** Environment variable name. */
    public String environmentName() {
        return "SWITCHBOARD_" + name.replace('.', '_').toUpperCase(Locale.ROOT);
    }

    public T parse(String text) {
        return parser.apply(text.trim());
    }
}
