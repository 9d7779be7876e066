package dev.switchboard.runner;

import dev.switchboard.server.Settings;

/** Prints docs/settings.md's settings table, generated from {@link Settings}. */
public final class SettingsTable {

    private SettingsTable() {
    }

    public static void main(String[] args) {
        System.out.print(Settings.markdownTable());
    }
}
