package dev.switchboard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import dev.switchboard.testing.TestSocket;
import java.time.Duration;
import org.apache.catalina.startup.Catalina;
import org.junit.jupiter.api.Test;

/**
 * tomcat-conf/ as an admin uses it: server.xml, context.xml and catalina.properties in a
 * CATALINA_BASE, the built WAR dropped into webapps/, Tomcat started from server.xml (Catalina),
 * plain ws:// on the HTTP connector and wss:// on the HTTPS one with a PKCS12 keystore made here.
 */
class TomcatConfIT {

    /** The embedded runner skips the same libraries a standalone Tomcat's catalina.properties does. */
    @Test
    void theRunnerAndCatalinaPropertiesSkipTheSameLibraries() throws Exception {
        java.util.Properties catalina = new java.util.Properties();
        try (var in = java.nio.file.Files.newBufferedReader(Path.of("tomcat-conf", "catalina.properties"))) {
            catalina.load(in);
        }
        java.util.List<String> skipped = java.util.List.of(
                catalina.getProperty("tomcat.util.scan.StandardJarScanFilter.jarsToSkip").split(","));
        for (String library : dev.switchboard.runner.TomcatDefaults.LIBRARIES_TO_SKIP.split(",")) {
            org.junit.jupiter.api.Assertions.assertTrue(skipped.contains(library.strip())
                    || skipped.contains(library.strip().replace("-*.jar", "*.jar")), library + " in catalina.properties' jarsToSkip");
        }
    }

    @Test
    void serverXmlServesTheWarOverHttpAndHttps() throws Exception {
        Path base = Path.of("target", "tomcat-conf-test").toAbsolutePath();
        dev.switchboard.runner.EmbeddedServer.deleteTree(base);
        Files.createDirectories(base.resolve("conf"));
        Files.createDirectories(base.resolve("webapps"));
        Files.createDirectories(base.resolve("logs"));
        for (String file : new String[] {"server.xml", "context.xml", "catalina.properties"}) {
            Files.copy(Path.of("tomcat-conf", file), base.resolve("conf").resolve(file));
        }
        // every Tomcat ships a conf/web.xml; what matters here is its default servlet, without which
        // no request (a WebSocket upgrade included) to an unmapped path reaches the filters
        Files.writeString(base.resolve("conf/web.xml"), """
                <?xml version="1.0" encoding="UTF-8"?>
                <web-app xmlns="https://jakarta.ee/xml/ns/jakartaee" version="6.1">
                  <servlet>
                    <servlet-name>default</servlet-name>
                    <servlet-class>org.apache.catalina.servlets.DefaultServlet</servlet-class>
                    <load-on-startup>1</load-on-startup>
                  </servlet>
                  <servlet-mapping><servlet-name>default</servlet-name><url-pattern>/</url-pattern></servlet-mapping>
                  <mime-mapping><extension>html</extension><mime-type>text/html</mime-type></mime-mapping>
                </web-app>
                """);
        Files.copy(Path.of(System.getProperty("test.war", "target/test.war")),
                base.resolve("webapps/ROOT.war"));
        Path keystore = dev.switchboard.testing.Containers.keystore(); // made by keytool at test time

        int http = freePort();
        int https = freePort();
        System.setProperty("catalina.base", base.toString());
        System.setProperty("catalina.home", base.toString());
        System.setProperty("tomcat.bind.address", "127.0.0.1");
        System.setProperty("tomcat.http.port", String.valueOf(http));
        System.setProperty("tomcat.https.port", String.valueOf(https));
        System.setProperty("tomcat.shutdown.port", "-1");
        System.setProperty("tomcat.keystore.path", keystore.toString());
        System.setProperty("tomcat.keystore.password", dev.switchboard.testing.Containers.KEYSTORE_PASSWORD);

        Catalina catalina = new Catalina();
        catalina.setParentClassLoader(getClass().getClassLoader());
        catalina.setUseShutdownHook(false);
        catalina.setAwait(false);
        catalina.load();
        catalina.start();
        try {
            assertTrue(catalina.getServer() != null && catalina.getServer().getState().isAvailable(),
                    "Tomcat did not start from tomcat-conf/server.xml; the log says why");
            HttpClient plain = HttpClient.newHttpClient();
            HttpResponse<String> health = plain.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + http + "/health")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, health.statusCode(), health.body());
            assertEquals("echo over ws", roundTrip(plain, URI.create("ws://127.0.0.1:" + http + "/echo"), "echo over ws"));

            HttpClient tls = HttpClient.newBuilder().sslContext(dev.switchboard.testing.Containers.trustingTestKey()).build();
            HttpResponse<String> secureHealth = tls.send(HttpRequest.newBuilder(
                    URI.create("https://127.0.0.1:" + https + "/health")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, secureHealth.statusCode());
            assertEquals("echo over wss", roundTrip(tls, URI.create("wss://127.0.0.1:" + https + "/echo"), "echo over wss"));
            assertTrue(Files.list(base.resolve("logs")).anyMatch(p -> p.getFileName().toString().startsWith("access")));
            HttpResponse<String> missing = plain.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + http + "/no/such/page")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(404, missing.statusCode());
            assertTrue(!missing.body().contains("Tomcat") && !missing.body().contains("Exception"),
                    "the error page shows no server version or exception: " + missing.body());
        } finally {
            if (catalina.getServer() != null) {
                catalina.stop();
            }
            for (String name : new String[] {"catalina.base", "catalina.home", "tomcat.bind.address",
                    "tomcat.http.port", "tomcat.https.port", "tomcat.shutdown.port",
                    "tomcat.keystore.path", "tomcat.keystore.password"}) {
                System.clearProperty(name);
            }
        }
    }

    private static String roundTrip(HttpClient client, URI uri, String message) throws Exception {
        try (TestSocket socket = TestSocket.connect(client, uri)) {
            socket.sendText(message);
            return socket.nextText();
        }
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
