package dev.switchboard.server;

/** A setting's value does not parse; deployment stops with this message. */
public final class InvalidSettingException extends IllegalStateException {

    private final transient Setting<?> setting;

    InvalidSettingException(Setting<?> setting, String value, String source, String reason) {
        super("Invalid value " + (setting.name().endsWith("secret") || setting.name().equals("broker.relay") ? "(not shown: it may hold a password)" : "\"" + value + "\"")
                + " for setting " + setting.propertyName() + " (from " + source
                + "): " + reason);
        this.setting = setting;
    }

    public Setting<?> setting() {
        return setting;
    }
}
