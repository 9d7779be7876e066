package dev.switchboard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.testing.Deployments;
import dev.switchboard.testing.TestSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Connections over time: idle timeout, undeploy, and deployments refused for bad settings. */
@ExtendWith(ArquillianExtension.class)
class LifecycleIT {

    @Deployment(name = "idle", testable = false)
    static WebArchive shortIdleTimeout() {
        return Deployments.switchboard("idle", Map.of("switchboard.idle.timeout", "1s"));
    }

    @Deployment(name = "undeployed", managed = false, testable = false)
    static WebArchive undeployedLater() {
        return Deployments.switchboard("undeployed", Map.of());
    }

    @Deployment(name = "bad-settings", managed = false, testable = false)
    static WebArchive badSetting() {
        return Deployments.switchboard("bad-settings", Map.of("switchboard.text.message.max", "lots"));
    }

    @ArquillianResource
    Deployer deployer;

    @ArquillianResource
    @org.jboss.arquillian.container.test.api.OperateOnDeployment("idle")
    java.net.URL idle;

    @Test
    void idleConnectionIsClosedByTheIdleTimeout() throws Exception {
        try (TestSocket socket = TestSocket.connect(URI.create(idle.toString().replaceFirst("^http", "ws") + "echo"))) {
            socket.sendText("then silence");
            socket.nextText();
            // Tomcat checks expiry in its background thread, every 10 s by default
            TestSocket.Close close = socket.awaitClose(Duration.ofSeconds(30));
            assertEquals(1001, close.code(), close.toString());
        }
    }

    @Test
    void undeployClosesOpenConnectionsWith1001() throws Exception {
        deployer.deploy("undeployed");
        URI base = URI.create(idle.toString().replace("/idle/", "/undeployed/"));
        try (TestSocket first = TestSocket.connect(URI.create(base.toString().replaceFirst("^http", "ws") + "echo"));
             TestSocket second = TestSocket.connect(URI.create(base.toString().replaceFirst("^http", "ws") + "echo"))) {
            first.sendText("up");
            assertEquals("up", first.nextText());
            deployer.undeploy("undeployed");
            assertEquals(1001, first.awaitClose(Duration.ofSeconds(10)).code());
            assertEquals(1001, second.awaitClose(Duration.ofSeconds(10)).code());
        }
    }

    @Test
    void badSettingStopsDeploymentNamingSettingAndValue() {
        List<LogRecord> records = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                records.add(record);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger root = Logger.getLogger("");
        root.addHandler(capture);
        try {
            assertThrows(Exception.class, () -> deployer.deploy("bad-settings"));
        } finally {
            root.removeHandler(capture);
        }
        String expected = "Invalid value \"lots\" for setting switchboard.text.message.max (from context-param"
                + " switchboard.text.message.max): not a size";
        assertTrue(records.stream().anyMatch(r -> r.getThrown() != null
                        && String.valueOf(r.getThrown().getMessage()).startsWith(expected)),
                "no log record says: " + expected);
    }
}
