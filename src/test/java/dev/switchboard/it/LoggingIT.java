package dev.switchboard.it;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.runner.EmbeddedServer;
import dev.switchboard.testing.Await;
import dev.switchboard.testing.RedisProcess;
import dev.switchboard.testing.StompTestClient;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;

/**
 * The shipped {@code tomcat-conf/logging.properties}, with the one change an admin makes to see
 * connections (their logger at FINE), in a server JVM of its own under Tomcat's log manager:
 * Switchboard's lines go to {@code logs/switchboard.<date>.log}, not into catalina's, and each
 * connection's open and close is one line there.
 */
class LoggingIT {

    @Test
    void switchboardLogsToItsOwnFileWithALinePerConnection() throws Exception {
        Path base = Path.of("target", "logging-it").toAbsolutePath();
        EmbeddedServer.deleteTree(base);
        Files.createDirectories(base.resolve("logs"));
        Path config = base.resolve("logging.properties");
        String shipped = Files.readString(Path.of("tomcat-conf", "logging.properties"));
        assertTrue(shipped.contains("dev.switchboard.connections.level = INFO"));
        Files.writeString(config, shipped.replace("dev.switchboard.connections.level = INFO",
                "dev.switchboard.connections.level = FINE"));
        int port = RedisProcess.freePort();
        Process server = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.util.logging.manager=org.apache.juli.ClassLoaderLogManager",
                "-Djava.util.logging.config.file=" + config, "-Dcatalina.base=" + base,
                "-cp", System.getProperty("java.class.path"), "dev.switchboard.runner.EmbeddedServer",
                "--war", Path.of(System.getProperty("test.war", "target/test.war")).toAbsolutePath().toString(),
                "--port", String.valueOf(port), "--base", base.resolve("tomcat").toString())
                .redirectErrorStream(true).redirectOutput(base.resolve("console.out").toFile()).start();
        try {
            Path switchboardLog = base.resolve("logs").resolve("switchboard." + LocalDate.now() + ".log");
            Path catalinaLog = base.resolve("logs").resolve("catalina." + LocalDate.now() + ".log");
            Await.until("Switchboard started, in its own log", Duration.ofSeconds(60),
                    () -> Files.exists(switchboardLog) && Files.readString(switchboardLog).contains("Switchboard started"));
            try (StompTestClient client = StompTestClient.connect(URI.create("ws://127.0.0.1:" + port + "/stomp"))) {
                client.socket(); // connected (CONNECTED came back); closing it is the second line
            }
            Await.until("the connection's open and close lines", Duration.ofSeconds(20), () -> {
                String log = Files.readString(switchboardLog);
                return log.contains("opened ") && log.lines().anyMatch(l -> l.contains("closed ") && l.contains(" on /stomp"));
            });
            String log = Files.readString(switchboardLog);
            assertTrue(log.lines().anyMatch(l -> l.contains("opened ") && l.contains("from 127.0.0.1 user - on /stomp")), log);
            assertTrue(log.lines().anyMatch(l -> l.contains("closed ") && l.matches(".* on /stomp: 10\\d\\d.*")), log);
            assertTrue(Files.readString(catalinaLog).contains("Starting ProtocolHandler"), "Tomcat's own lines stay in catalina's log");
            assertFalse(Files.readString(catalinaLog).contains("Switchboard started"), "Switchboard's lines are not in catalina's log");
        } finally {
            server.destroy();
            if (!server.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
                server.destroyForcibly().waitFor();
            }
        }
    }
}
