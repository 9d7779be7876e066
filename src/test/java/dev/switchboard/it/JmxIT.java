package dev.switchboard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.testing.Await;
import dev.switchboard.testing.Deployments;
import dev.switchboard.testing.StompTestClient;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The deployment's JMX bean, read through the platform MBean server as jconsole would (the
 * embedded Tomcat runs in this JVM): the /stats figures as attributes, the open connections,
 * closing one, and a logger's level.
 */
@ExtendWith(ArquillianExtension.class)
@org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.OrderAnnotation.class)
class JmxIT {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.switchboard("jmx", Map.of());
    }

    @ArquillianResource
    URL base;

    @Test
    @org.junit.jupiter.api.Order(1)
    void anAdminReadsTheFiguresListsAndClosesConnectionsAndSetsALogLevel() throws Exception {
        MBeanServer jmx = ManagementFactory.getPlatformMBeanServer();
        ObjectName name = new ObjectName("dev.switchboard:type=Deployment,context=" + ObjectName.quote("/jmx"));
        assertTrue(jmx.isRegistered(name), "registered: " + jmx.queryNames(new ObjectName("dev.switchboard:*"), null));
        URI stomp = URI.create(base.toString().replaceFirst("^http", "ws") + "stomp");
        try (StompTestClient c = StompTestClient.connect(stomp)) {
            assertEquals(1L, jmx.getAttribute(name, "stomp.sessions"));
            assertTrue(((Long) jmx.getAttribute(name, "stomp.connects")) >= 1);
            assertTrue(Arrays.stream(jmx.getMBeanInfo(name).getAttributes()).anyMatch(a -> a.getName().equals("jvm.heapUsed")));
            String[] open = (String[]) jmx.invoke(name, "connections", new Object[0], new String[0]);
            assertEquals(1, open.length, Arrays.toString(open));
            String id = open[0].split(" ")[0];
            assertEquals(Boolean.TRUE, jmx.invoke(name, "closeConnection", new Object[] {id},
                    new String[] {String.class.getName()}));
            assertEquals(1008, c.socket().awaitClose(Duration.ofSeconds(5)).code());
            // the STOMP session ends first, then its connection leaves the registry (counted closed)
            Await.until("the session ended and its connection counted closed", Duration.ofSeconds(5),
                    () -> (Long) jmx.getAttribute(name, "stomp.sessions") == 0L
                            && (Long) jmx.getAttribute(name, "connections.closed") >= 1);
            assertEquals(Boolean.FALSE, jmx.invoke(name, "closeConnection", new Object[] {id},
                    new String[] {String.class.getName()}), "no such connection any more");
        }
        jmx.invoke(name, "setLogLevel", new Object[] {"dev.switchboard.broker", "fine"},
                new String[] {String.class.getName(), String.class.getName()});
        assertEquals(Level.FINE, Logger.getLogger("dev.switchboard.broker").getLevel());
    }

    /**
     * Draining before a planned stop: /health says DOWN with 503 at once, a new connection gets
     * 503, a STOMP session is told with an ERROR and closed with 1001. Runs last in this class: the
     * deployment takes no connections after it.
     */
    @Test
    @org.junit.jupiter.api.Order(2)
    void drainingTellsStompClientsAndRefusesNewConnections() throws Exception {
        MBeanServer jmx = ManagementFactory.getPlatformMBeanServer();
        ObjectName name = new ObjectName("dev.switchboard:type=Deployment,context=" + ObjectName.quote("/jmx"));
        URI stomp = URI.create(base.toString().replaceFirst("^http", "ws") + "stomp");
        java.util.List<String> warnings = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.logging.Handler capture = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord record) {
                if (record.getLevel() == java.util.logging.Level.WARNING) {
                    warnings.add(record.getMessage());
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        java.util.logging.Logger drainLog = java.util.logging.Logger.getLogger("dev.switchboard.server.Drain");
        drainLog.addHandler(capture);
        try (StompTestClient c = StompTestClient.connect(stomp);
             SockJsXhrClient sockjs = SockJsXhrClient.open(URI.create(base + "sockjs/stomp/"))) {
            sockjs.send("CONNECT\naccept-version:1.2\nheart-beat:0,0\n\n\0");
            org.junit.jupiter.api.Assertions.assertTrue(sockjs.nextFrame().startsWith("CONNECTED\n"));
            c.send(dev.switchboard.stomp.StompFrame.of(dev.switchboard.stomp.StompCommand.SEND, "destination",
                    "/queue/nobody-takes-it", "receipt", "kept").withBody("left behind"));
            c.expect(dev.switchboard.stomp.StompCommand.RECEIPT);
            assertEquals(200, Http.get(URI.create(base + "health")).statusCode());
            assertEquals(2, jmx.invoke(name, "drain", new Object[] {5}, new String[] {"int"}));
            var error = c.expect(dev.switchboard.stomp.StompCommand.ERROR);
            assertEquals("server going away", error.header("message"));
            assertEquals(1001, c.socket().awaitClose(Duration.ofSeconds(5)).code());
            String sockJsError = sockjs.nextFrame();
            org.junit.jupiter.api.Assertions.assertTrue(sockJsError.startsWith("ERROR\n") && sockJsError.contains("server going away"),
                    sockJsError);
            org.junit.jupiter.api.Assertions.assertTrue(sockjs.awaitCloseFrame().startsWith("c[1001,"),
                    "the SockJS session gets its close frame");
        } finally {
            drainLog.removeHandler(capture);
        }
        org.junit.jupiter.api.Assertions.assertTrue(warnings.stream().anyMatch(w ->
                w.contains("1 /queue/ messages waiting for a consumer") && w.contains("/queue/nobody-takes-it")),
                "the queue message that stops with the node is reported: " + warnings);
        var health = Http.get(URI.create(base + "health"));
        assertEquals(503, health.statusCode());
        assertEquals("{\"status\":\"DOWN\"}", health.body());
        dev.switchboard.testing.TestSocket.Refused refused = org.junit.jupiter.api.Assertions.assertThrows(
                dev.switchboard.testing.TestSocket.Refused.class, () -> StompTestClient.connect(stomp));
        assertEquals(503, refused.status);
    }
}
