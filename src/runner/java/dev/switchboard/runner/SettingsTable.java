package dev.switchboard.runner;

import dev.switchboard.server.Settings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * docs/settings.md's settings table, generated from {@link Settings}: printed, or, given the
 * guide's path ({@code --write docs/settings.md}), written into it in place of the table there (so that nothing else the build
 * prints can end up in the guide).
 */
public final class SettingsTable {

    private static final String HEADER = "| setting |";

    private SettingsTable() {
    }

    /** {@code --write <guide>} writes; anything else (the runner passes {@code --war <war>}) is ignored. */
    public static void main(String[] args) throws IOException {
        int write = List.of(args).indexOf("--write");
        if (write < 0 || write + 1 >= args.length) {
            System.out.print(Settings.markdownTable());
            return;
        }
        Path guide = Path.of(args[write + 1]);
        List<String> lines = Files.readAllLines(guide, StandardCharsets.UTF_8);
        int start = -1;
        for (int i = 0; i < lines.size() && start < 0; i++) {
            if (lines.get(i).startsWith(HEADER)) {
                start = i;
            }
        }
        if (start < 0) {
            throw new IllegalStateException(guide + " has no settings table (a line starting with '" + HEADER + "')");
        }
        int end = start;
        while (end < lines.size() && lines.get(end).startsWith("|")) {
            end++;
        }
        List<String> out = new ArrayList<>(lines.subList(0, start));
        out.addAll(Settings.markdownTable().lines().toList());
        out.addAll(lines.subList(end, lines.size()));
        Files.write(guide, out, StandardCharsets.UTF_8);
    }
}
