package dev.switchboard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.runner.EmbeddedServer;
import dev.switchboard.testing.TestSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The WAR Maven built (target/test.war), dropped into an embedded Tomcat's appBase the
 * way an admin deploys it, served by the same runner the README's run command starts.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RealWarIT {

    private static final Path WAR = Path.of(System.getProperty("test.war", "target/test.war"));
    private static EmbeddedServer server;

    @BeforeAll
    static void start() throws Exception {
        server = EmbeddedServer.start(WAR, "127.0.0.1", 0, Path.of("target", "real-war-tomcat"));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void warHoldsTheApplicationButNotTheRunner() throws Exception {
        try (JarFile war = new JarFile(WAR.toFile())) {
            assertTrue(war.getEntry("WEB-INF/web.xml") != null);
            assertFalse(war.stream().anyMatch(e -> e.getName().startsWith("WEB-INF/classes/dev/")),
                    "the demo is built from the library, not from loose classes");
            assertTrue(war.stream().anyMatch(e -> e.getName().startsWith("WEB-INF/lib/yasson-")));
            assertFalse(war.stream().anyMatch(e -> e.getName().contains("dev/switchboard/runner/")));
            assertFalse(war.stream().anyMatch(e -> e.getName().matches("WEB-INF/lib/(tomcat|jakarta\\.websocket|jakarta\\.servlet).*")));
            for (String relayLibrary : new String[] {"lettuce-core-", "netty-handler-", "reactor-core-", "slf4j-jdk14-"}) {
                assertTrue(war.stream().anyMatch(e -> e.getName().startsWith("WEB-INF/lib/" + relayLibrary)),
                        "the Redis relay's " + relayLibrary + " jar is in the demo WAR");
            }
            String webXml = new String(war.getInputStream(war.getEntry("WEB-INF/web.xml")).readAllBytes());
            assertTrue(webXml.replaceAll("\\s", "").contains("<absolute-ordering><name>switchboard</name></absolute-ordering>"),
                    webXml);
            JarEntry library = war.stream().filter(e -> e.getName().matches("WEB-INF/lib/switchboard-[^/]+\\.jar"))
                    .findFirst().orElseThrow(() -> new AssertionError("no WEB-INF/lib/switchboard-*.jar"));
            try (JarInputStream jar = new JarInputStream(war.getInputStream(library))) {
                java.util.Set<String> names = new java.util.HashSet<>();
                for (JarEntry e = jar.getNextJarEntry(); e != null; e = jar.getNextJarEntry()) {
                    names.add(e.getName());
                }
                assertTrue(names.contains("META-INF/web-fragment.xml"), "the library's web fragment");
                assertTrue(names.contains("META-INF/services/jakarta.servlet.ServletContainerInitializer"));
                assertTrue(names.contains("dev/switchboard/echo/EchoEndpoint.class"));
                assertTrue(names.contains("dev/switchboard/api/MessageMapping.class"));
            }
        }
        assertTrue(Files.isDirectory(Path.of("target", "real-war-tomcat", "webapps", "ROOT")), "Tomcat unpacked ROOT.war");
    }

    @Test
    void theChatPageAndItsLibrariesAreServedFromTheWar() throws Exception {
        var page = Http.get(server.uri());
        assertEquals(200, page.statusCode());
        assertTrue(page.headers().firstValue("content-type").orElse("").startsWith("text/html"));
        assertTrue(page.body().contains("<title>Switchboard chat</title>"));
        String policy = page.headers().firstValue("content-security-policy").orElse("");
        assertTrue(policy.contains("script-src 'self'") && policy.contains("frame-ancestors 'self'"), policy);
        assertEquals("SAMEORIGIN", page.headers().firstValue("x-frame-options").orElse(""));
        assertEquals("nosniff", page.headers().firstValue("x-content-type-options").orElse(""));
        var iframe = Http.get(server.uri().resolve("sockjs/stomp/iframe.html"));
        assertEquals(200, iframe.statusCode());
        assertTrue(iframe.headers().firstValue("content-security-policy").isEmpty()
                && iframe.headers().firstValue("x-frame-options").isEmpty(), "SockJS's iframe page stays framable");
        assertTrue(page.body().contains("<code>/echo</code>"));
        // the page's libraries and scripts come from the WAR itself, no CDN
        assertTrue(!page.body().contains("https://") && !page.body().contains("//cdn"), "no third-party URL in the page");
        for (String asset : new String[] {"lib/stompjs/stomp.umd.min.js", "lib/sockjs-client/sockjs.min.js", "chat.js", "chat.css"}) {
            var served = Http.get(server.uri().resolve(asset));
            assertEquals(200, served.statusCode(), asset);
            assertTrue(served.body().length() > 500, asset);
        }
        var health = Http.get(server.uri().resolve("health"));
        assertEquals(200, health.statusCode());
        assertTrue(health.body().contains("\"status\":\"UP\""), health.body());
        assertEquals(200, Http.get(server.uri().resolve("sockjs/stomp/info")).statusCode());
        assertEquals(404, Http.get(server.uri().resolve("metrics")).statusCode(), "/metrics is off as shipped");
        assertEquals(404, Http.get(server.uri().resolve("sockjs/echo/info")).statusCode(),
                "the SockJS test services are off as shipped");
    }

    @Test
    @Order(Integer.MAX_VALUE) // stops the server
    void echoRoundTripThenShutdownClosesWith1001() throws Exception {
        URI echo = URI.create("ws://127.0.0.1:" + server.port() + "/echo");
        try (TestSocket socket = TestSocket.connect(echo)) {
            socket.sendText("through the real WAR");
            assertEquals("through the real WAR", socket.nextText());
            server.close();
            TestSocket.Close close = socket.awaitClose(Duration.ofSeconds(10));
            assertEquals(1001, close.code(), close.toString());
        }
    }
}
