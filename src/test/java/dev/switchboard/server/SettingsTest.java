package dev.switchboard.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class SettingsTest {

    private static Properties props(String... pairs) {
        Properties p = new Properties();
        for (int i = 0; i < pairs.length; i += 2) {
            p.setProperty(pairs[i], pairs[i + 1]);
        }
        return p;
    }

    @Test
    void defaultsAreTheDocumentedOnes() {
        Settings s = Settings.defaults();
        assertEquals(65_536, s.get(Settings.TEXT_MESSAGE_MAX));
        assertEquals(65_536, s.get(Settings.BINARY_MESSAGE_MAX));
        assertEquals(1_024, s.get(Settings.WEBSOCKET_BUFFER_SIZE));
        assertEquals(Duration.ofMinutes(5), s.get(Settings.IDLE_TIMEOUT));
        assertEquals(Duration.ofSeconds(10), s.get(Settings.SEND_TIMEOUT));
        assertEquals("same origin", s.get(Settings.ALLOWED_ORIGINS).toString());
        assertEquals(65_536, s.get(Settings.STOMP_FRAME_MAX));
        assertEquals(List.of(Duration.ofSeconds(10), Duration.ofSeconds(10)), s.get(Settings.STOMP_HEARTBEAT));
        assertEquals("text", s.get(Settings.STOMP_MESSAGE_FRAMES));
        assertEquals(List.of(), s.get(Settings.STOMP_HANDLERS));
        assertEquals(List.of("stomp", "sockjs"), s.get(ApplicationSettings.ENDPOINTS));
        assertEquals("/queue/errors", s.get(ApplicationSettings.STOMP_APP_ERRORS));
    }

    @Test
    void stompSettingsParseAndRefuseBadValues() {
        Settings s = Settings.load(name -> switch (name) {
            case "switchboard.stomp.heartbeat" -> "0,250ms";
            case "switchboard.stomp.message.frames" -> "BINARY";
            case "switchboard.stomp.anonymous" -> "false";
            default -> null;
        }, java.util.Map.of(), new java.util.Properties());
        assertEquals(List.of(Duration.ZERO, Duration.ofMillis(250)), s.get(Settings.STOMP_HEARTBEAT));
        assertEquals("binary", s.get(Settings.STOMP_MESSAGE_FRAMES));
        assertEquals(false, s.get(Settings.STOMP_ANONYMOUS));
        InvalidSettingException e = org.junit.jupiter.api.Assertions.assertThrows(InvalidSettingException.class,
                () -> Settings.load(name -> name.equals("switchboard.stomp.heartbeat") ? "10s" : null,
                        java.util.Map.of(), new java.util.Properties()));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("switchboard.stomp.heartbeat"), e.getMessage());
    }

    @Test
    void namesFollowTheRule() {
        assertEquals("switchboard.text.message.max", Settings.TEXT_MESSAGE_MAX.propertyName());
        assertEquals("SWITCHBOARD_TEXT_MESSAGE_MAX", Settings.TEXT_MESSAGE_MAX.environmentName());
    }

    @Test
    void environmentOverridesContextParamAndSystemPropertyOverridesBoth() {
        Map<String, String> params = Map.of("switchboard.text.message.max", "1k", "switchboard.idle.timeout", "30s");
        Map<String, String> env = Map.of("SWITCHBOARD_TEXT_MESSAGE_MAX", "2k", "SWITCHBOARD_IDLE_TIMEOUT", "1m");
        Settings s = Settings.load(params::get, env, props("switchboard.text.message.max", "3KiB"));
        assertEquals(3_072, s.get(Settings.TEXT_MESSAGE_MAX));
        assertEquals(Duration.ofMinutes(1), s.get(Settings.IDLE_TIMEOUT));
        Settings onlyParams = Settings.load(params::get, Map.of(), new Properties());
        assertEquals(1_024, onlyParams.get(Settings.TEXT_MESSAGE_MAX));
    }

    @Test
    void sizesAndDurationsTakeUnits() {
        Settings s = Settings.load(Map.of("switchboard.binary.message.max", "1MiB", "switchboard.send.timeout", "250ms",
                "switchboard.idle.timeout", "0")::get, Map.of(), new Properties());
        assertEquals(1 << 20, s.get(Settings.BINARY_MESSAGE_MAX));
        assertEquals(Duration.ofMillis(250), s.get(Settings.SEND_TIMEOUT));
        assertEquals(Duration.ZERO, s.get(Settings.IDLE_TIMEOUT));
    }

    @Test
    void badValueNamesSettingValueAndSource() {
        InvalidSettingException e = assertThrows(InvalidSettingException.class,
                () -> Settings.load(n -> null, Map.of("SWITCHBOARD_IDLE_TIMEOUT", "soon"), new Properties()));
        assertSame(Settings.IDLE_TIMEOUT, e.setting());
        assertEquals("Invalid value \"soon\" for setting switchboard.idle.timeout (from environment variable"
                + " SWITCHBOARD_IDLE_TIMEOUT): not a duration (write 250ms, 30s, 5m or 1h)", e.getMessage());
    }

    @Test
    void valuesOutOfRangeAreRefused() {
        assertThrows(InvalidSettingException.class, () -> Settings.load(n -> null, Map.of(),
                props("switchboard.websocket.buffer.size", "10b")));
        assertThrows(InvalidSettingException.class, () -> Settings.load(n -> null, Map.of(),
                props("switchboard.text.message.max", "4GiB")));
        InvalidSettingException origins = assertThrows(InvalidSettingException.class, () -> Settings.load(n -> null,
                Map.of(), props("switchboard.allowed.origins", "https://ok.example, not an origin")));
        assertTrue(origins.getMessage().contains("not an origin"), origins.getMessage());
    }

    @Test
    void theSettingsGuideHasTheGeneratedTable() throws IOException {
        String readme = Files.readString(Path.of("docs/settings.md"));
        // a blank line on either side: nothing else (a build's output) pasted next to it
        assertTrue(readme.contains("\n\n" + Settings.markdownTable() + "\n"),
                "docs/settings.md's settings table is stale: regenerate it with "
                        + "`mvn -q test-compile exec:exec -Dswitchboard.main=dev.switchboard.runner.SettingsTable"
                        + " -Dswitchboard.main.args=\"--write docs/settings.md\" -Dswitchboard.jvm.args=`");
    }

    /**
     * The production settings README and docs/security.md show are settings that exist, with values
     * that parse (the rules file and JWKS URL are read at deployment, not here).
     */
    @Test
    void theDocumentedProductionSettingsAreRealSettingsWithValidValues() throws IOException {
        for (String doc : List.of("README.md", "docs/security.md")) {
            String text = Files.readString(Path.of(doc));
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("(SWITCHBOARD_[A-Z_]+)=(\\S+)").matcher(
                    text.substring(text.indexOf("SWITCHBOARD_STOMP_ANONYMOUS=false")));
            Map<String, String> env = new java.util.HashMap<>();
            while (m.find()) {
                env.put(m.group(1), m.group(2));
            }
            assertTrue(env.size() >= 5, doc + ": " + env);
            for (String name : env.keySet()) {
                assertTrue(Settings.ALL.stream().anyMatch(st -> st.environmentName().equals(name)), doc + ": " + name);
            }
            Settings settings = Settings.load(n -> null, env, new java.util.Properties());
            assertEquals(false, settings.get(Settings.STOMP_ANONYMOUS), doc);
            assertTrue(settings.get(SecuritySettings.JWT_JWKS).startsWith("https://"), doc);
        }
    }

    /** Is 300 milliseconds or seconds meant, bytes or kilobytes? A bare number says neither. */
    @Test
    void aBareNumberIsNoDurationOrSizeAndTheErrorShowsTheUnits() {
        InvalidSettingException timeout = assertThrows(InvalidSettingException.class, () -> Settings.load(n -> null,
                Map.of("SWITCHBOARD_SEND_TIMEOUT", "300"), new java.util.Properties()));
        assertTrue(timeout.getMessage().contains("300ms, 300s, 300m or 300h?")
                && timeout.getMessage().contains("environment variable SWITCHBOARD_SEND_TIMEOUT"), timeout.getMessage());
        InvalidSettingException size = assertThrows(InvalidSettingException.class, () -> Settings.load(
                n -> n.equals("switchboard.text.message.max") ? "65536" : null, Map.of(), new java.util.Properties()));
        assertTrue(size.getMessage().contains("65536b, 65536KiB or 65536MiB?")
                && size.getMessage().contains("context-param"), size.getMessage());
        Settings zero = Settings.load(n -> null, Map.of("SWITCHBOARD_IDLE_TIMEOUT", "0"), new java.util.Properties());
        assertEquals(Duration.ZERO, zero.get(Settings.IDLE_TIMEOUT), "0 needs no unit");
    }
}
