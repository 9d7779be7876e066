package dev.switchboard.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

class MavenSettingsTest {

    @Test
    void takesSwitchboardSettingsFromTheMvnCommandLineButNotTheBuildsOwn() {
        assertEquals(Map.of("switchboard.idle.timeout", "2m", "switchboard.stomp.anonymous", "false",
                        "switchboard.sockjs.test.services", "true"),
                MavenSettings.from(" -q package -DskipTests exec:exec -Dswitchboard.idle.timeout=2m -Dswitchboard.port=9090"
                        + " -Dswitchboard.stomp.anonymous=false -Dswitchboard.sockjs.test.services -Dother.thing=x"
                        + " -Dswitchboard.jvm.args=-Xmx2g"));
    }

    @Test
    void nothingWhenThereIsNoCommandLine() {
        assertEquals(Map.of(), MavenSettings.from(null));
        assertEquals(Map.of(), MavenSettings.from("  "));
    }

    @Test
    void aMisspelledNameIsPassedOnForTheSettingsToWarnAbout() {
        assertEquals(Map.of("switchboard.idle.timout", "5m"), MavenSettings.from("-Dswitchboard.idle.timout=5m"));
    }
}
