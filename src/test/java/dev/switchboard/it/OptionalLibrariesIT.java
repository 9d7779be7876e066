package dev.switchboard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.switchboard.runner.EmbeddedServer;
import dev.switchboard.testing.Await;
import dev.switchboard.testing.RedisProcess;
import dev.switchboard.testing.StompTestClient;
import java.io.File;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Lettuce (the Redis relay) and Micrometer (metrics) are optional dependencies of the library: an
 * application built on it without them must deploy and serve while those features stay off. The
 * example application's WAR (which has neither) runs in a JVM of its own whose class path has
 * neither either; in this test JVM they would come from the class path and hide a missing one.
 */
class OptionalLibrariesIT {

    private static final Path TICKER = Path.of("target", "examples", "ticker", "target", "ticker.war");

    @Test
    void anApplicationWithoutLettuceOrMicrometerDeploysAndServes() throws Exception {
        try (JarFile war = new JarFile(TICKER.toFile())) {
            assertFalse(war.stream().anyMatch(e -> e.getName().matches("WEB-INF/lib/(lettuce|netty|micrometer|prometheus).*")),
                    "the example's WAR carries neither");
        }
        Path base = Path.of("target", "optional-libraries-it").toAbsolutePath();
        EmbeddedServer.deleteTree(base);
        Files.createDirectories(base);
        String classpath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> !entry.matches(".*/(io/lettuce|io/netty|io/projectreactor|io/micrometer|io/prometheus)/.*"))
                .collect(Collectors.joining(File.pathSeparator));
        int port = RedisProcess.freePort();
        Process server = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", classpath, "dev.switchboard.runner.EmbeddedServer", "--war", TICKER.toAbsolutePath().toString(),
                "--port", String.valueOf(port), "--base", base.resolve("tomcat").toString())
                .redirectErrorStream(true).redirectOutput(base.resolve("server.log").toFile()).start();
        try {
            URI health = URI.create("http://127.0.0.1:" + port + "/health");
            Await.until("the example serves (else see " + base.resolve("server.log") + ")", Duration.ofSeconds(60), () -> {
                if (!server.isAlive()) {
                    throw new AssertionError("the server exited: " + Files.readString(base.resolve("server.log")));
                }
                try {
                    return Http.get(health).statusCode() == 200;
                } catch (java.io.IOException notYet) {
                    return false;
                }
            });
            assertEquals("{\"status\":\"UP\"}", Http.get(health).body());
            try (StompTestClient client = StompTestClient.connect(URI.create("ws://127.0.0.1:" + port + "/stomp"))) {
                assertEquals("1.2", client.connected().header("version"));
            }
            assertEquals(404, Http.get(URI.create("http://127.0.0.1:" + port + "/metrics")).statusCode());
        } finally {
            server.destroy();
            if (!server.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
                server.destroyForcibly().waitFor();
            }
        }
    }
}
