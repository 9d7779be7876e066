package dev.switchboard.runner.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The soak, shortened: {@link SoakBenchmark}'s mix for 90 seconds against the demo WAR in a server
 * JVM of its own, then the same pass conditions as the long run (README has the hour's figures):
 * nothing left behind, threads, descriptors and heap back to their baseline, every queue message
 * accepted with a receipt consumed; its CSV and plot are written to target/soak-it.
 */
class SoakIT {

    @Test
    void aMixedLoadLeavesNothingBehind() throws Exception {
        Path out = Path.of("target", "soak-it");
        SoakBenchmark.Result result = SoakBenchmark.run(Path.of(System.getProperty("test.war", "target/switchboard.war")),
                Duration.ofSeconds(Long.getLong("soak.seconds", 90)), out);
        assertTrue(result.passed(), "soak: " + result.failures() + "; " + result.figures());
        List<String> csv = Files.readAllLines(out.resolve("soak.csv"));
        assertTrue(csv.size() > 30, "a sample every 2 s: " + csv.size() + " lines");
        assertTrue(Files.size(out.resolve("soak.png")) > 5_000, "the plot");
    }
}
