package dev.switchboard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.stomp.StompCommand;
import dev.switchboard.stomp.StompFrame;
import dev.switchboard.testing.Containers;
import dev.switchboard.testing.StompTestClient;
import dev.switchboard.testing.TestSocket;
import java.io.File;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import java.util.zip.ZipFile;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.importer.ZipImporter;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.Select;

/**
 * The WAR the build ships, unchanged and with its settings as shipped, on each container the POM
 * runs this class on: the embedded Tomcat, a standalone Tomcat 11 from the distribution zip with
 * tomcat-conf/, and WildFly (which gets {@code switchboard-wildfly.war}, the same WAR without the
 * JSON libraries WildFly provides). What an admin checks after installing it: health, /echo, STOMP
 * over ws:// and wss://, SockJS xhr_streaming and websocket, a foreign Origin refused, the chat page
 * in Chromium, and a container log without warnings from the deployment.
 */
@ExtendWith(ArquillianExtension.class)
class ShippedWarIT {

    private static final Duration BOUND = Duration.ofSeconds(20);

    @Deployment(testable = false)
    static WebArchive deployment() {
        return ShrinkWrap.create(ZipImporter.class, "switchboard.war")
                .importFrom(new File(System.getProperty("test.war", "target/switchboard.war")))
                .as(WebArchive.class);
    }

    @ArquillianResource
    URL base;

    private URI http(String path) {
        return URI.create(base.toString()).resolve(path);
    }

    private URI ws(String path) {
        return URI.create(base.toString().replaceFirst("^http", "ws")).resolve(path);
    }

    @Test
    void healthAnswersUp() throws Exception {
        HttpResponse<String> health = Http.get(http("health"));
        assertEquals(200, health.statusCode(), health.body());
        assertEquals("{\"status\":\"UP\"}", health.body().strip());
    }

    @Test
    void echoOverWebSocket() throws Exception {
        try (TestSocket socket = TestSocket.connect(ws("echo"))) {
            socket.sendText("echo on " + Containers.launched() + " ✓");
            assertEquals("echo on " + Containers.launched() + " ✓", socket.nextText());
        }
    }

    @Test
    void stompOverWs() throws Exception {
        try (StompTestClient subscriber = StompTestClient.connect(ws("stomp"));
             StompTestClient publisher = StompTestClient.connect(ws("stomp"))) {
            roundTrip(subscriber, publisher, "/topic/shipped.ws");
        }
    }

    @Test
    void stompOverWss() throws Exception {
        HttpClient tls = HttpClient.newBuilder().sslContext(Containers.trustingTestKey()).build();
        URI wss = URI.create("wss://127.0.0.1:" + Containers.httpsPort() + URI.create(base.toString()).getPath() + "stomp");
        try (StompTestClient subscriber = StompTestClient.connect(tls, wss);
             StompTestClient publisher = StompTestClient.connect(tls, wss)) {
            roundTrip(subscriber, publisher, "/topic/shipped.wss");
        }
        HttpResponse<String> health = tls.send(HttpRequest.newBuilder(URI.create(
                "https://127.0.0.1:" + Containers.httpsPort() + URI.create(base.toString()).getPath() + "health")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, health.statusCode(), "/health over https: " + health.body());
    }

    @Test
    void sockJsXhrStreamingTalksToWebSocketStomp() throws Exception {
        try (SockJsXhrClient sockjs = SockJsXhrClient.open(http("sockjs/stomp/"));
             StompTestClient publisher = StompTestClient.connect(ws("stomp"))) {
            sockjs.send("CONNECT\naccept-version:1.2\nheart-beat:0,0\n\n\0");
            assertTrue(sockjs.nextFrame().startsWith("CONNECTED\n"));
            sockjs.send("SUBSCRIBE\nid:1\ndestination:/topic/shipped.xhr\nreceipt:r1\n\n\0");
            assertTrue(sockjs.nextFrame().startsWith("RECEIPT\n"));
            publisher.send(StompFrame.of(StompCommand.SEND, "destination", "/topic/shipped.xhr").withBody("over xhr_streaming"));
            String message = sockjs.nextFrame();
            assertTrue(message.startsWith("MESSAGE\n") && message.endsWith("\n\nover xhr_streaming\0"), message);
        }
    }

    @Test
    void sockJsWebSocketTransport() throws Exception {
        URI transport = ws("sockjs/stomp/000/" + UUID.randomUUID().toString().replace("-", "") + "/websocket");
        try (TestSocket socket = TestSocket.connect(transport)) {
            assertEquals("o", socket.nextText());
            socket.sendText("[\"CONNECT\\naccept-version:1.2\\nheart-beat:0,0\\n\\n\\u0000\"]");
            String connected = socket.nextText();
            assertTrue(connected.startsWith("a[\"CONNECTED\\n"), connected);
        }
    }

    @Test
    void aForeignOriginIsRefused() throws Exception {
        String status = Http.upgradeStatusLine(URI.create(base.toString()), "stomp",
                "https://evil.example");
        assertTrue(status.contains(" 403"), "a page from another origin gets 403: " + status);
        String own = Http.upgradeStatusLine(URI.create(base.toString()), "stomp",
                base.getProtocol() + "://" + base.getHost() + ":" + base.getPort());
        assertTrue(own.contains(" 101"), "the page's own origin is let in: " + own);
    }

    /** Two people on the chat page: one over WebSocket, one over SockJS xhr-streaming. */
    @Test
    @Tag("browser")
    void thePageChatsInChromium() throws Exception {
        ChromeDriver alice = SockJsBrowserIT.chromium();
        ChromeDriver bob = null;
        try {
            bob = SockJsBrowserIT.chromium();
            join(alice, "alice", "websocket");
            join(bob, "bob", "sockjs:xhr-streaming");
            ChromeDriver b = bob;
            for (ChromeDriver browser : List.of(alice, bob)) {
                awaitPage(() -> "connected".equals(browser.executeScript("return window.chatState.status")),
                        () -> "connected: " + browser.findElement(By.id("status")).getText());
            }
            awaitPage(() -> ChatBrowserIT.members(alice).equals(List.of("alice", "bob")), () -> "presence: " + ChatBrowserIT.members(alice));
            alice.findElement(By.id("text")).sendKeys("hello from " + Containers.launched());
            alice.findElement(By.id("send")).click();
            awaitPage(() -> String.valueOf(b.executeScript("return document.getElementById('messages').textContent"))
                    .contains("hello from " + Containers.launched()), () -> "bob sees alice's message");
        } finally {
            alice.quit();
            if (bob != null) {
                bob.quit();
            }
        }
    }

    /**
     * What the container logged while deploying the WAR holds no warning or error, and nothing in
     * the log that names Switchboard is one (Tomcat: its whole log from start; WildFly: the lines
     * from "Starting deployment" to "Deployed", and any line naming the deployment). The WildFly WAR
     * carries no JSON-B or JSON-P implementation of its own.
     */
    @Test
    void theContainerLogsNoWarningForTheDeployment() throws Exception {
        switch (Containers.launched()) {
            case "tomcat-distribution" -> {
                List<String> warnings = new ArrayList<>();
                try (Stream<Path> logs = Files.list(Containers.tomcatBase().resolve("logs"))) {
                    for (Path log : logs.filter(p -> p.getFileName().toString().matches("(catalina|switchboard|localhost)\\..*log")).toList()) {
                        for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
                            if (line.contains(" WARNING ") || line.contains(" SEVERE ")) {
                                warnings.add(log.getFileName() + ": " + line);
                            }
                        }
                    }
                }
                assertEquals(List.of(), warnings, "Tomcat's logs");
            }
            case "wildfly" -> {
                List<String> lines = Files.readAllLines(Containers.wildflyLogs().resolve("server.log"), StandardCharsets.UTF_8);
                List<String> warnings = new ArrayList<>();
                boolean deploying = false;
                for (String line : lines) {
                    deploying |= line.contains("Starting deployment of \"switchboard.war\"");
                    boolean bad = line.contains(" WARN ") || line.contains(" ERROR ");
                    if (bad && (deploying || line.contains("switchboard"))) {
                        warnings.add(line);
                    }
                    deploying &= !line.contains("Deployed \"switchboard.war\"");
                }
                assertTrue(lines.stream().anyMatch(l -> l.contains("Deployed \"switchboard.war\"")), "the log shows the deployment");
                assertEquals(List.of(), warnings, "WildFly's server.log");
                try (ZipFile war = new ZipFile(System.getProperty("test.war"))) {
                    assertTrue(war.stream().noneMatch(e -> e.getName().matches("WEB-INF/lib/(yasson|parsson|jakarta\\.json).*")),
                            "JSON-B and JSON-P come from WildFly");
                }
            }
            default -> org.junit.jupiter.api.Assumptions.abort("the embedded Tomcat logs into the test JVM's own output");
        }
    }

    private static void roundTrip(StompTestClient subscriber, StompTestClient publisher, String destination) {
        subscriber.send(StompFrame.of(StompCommand.SUBSCRIBE, "id", "1", "destination", destination, "receipt", "s"));
        subscriber.expect(StompCommand.RECEIPT);
        publisher.send(StompFrame.of(StompCommand.SEND, "destination", destination).withBody("on " + Containers.launched()));
        StompFrame message = subscriber.expect(StompCommand.MESSAGE);
        assertEquals("on " + Containers.launched(), message.bodyText());
        assertEquals(destination, message.header("destination"));
    }

    private void join(ChromeDriver browser, String nickname, String transport) {
        browser.get(base + "?room=shipped");
        browser.findElement(By.id("nickname")).clear();
        browser.findElement(By.id("nickname")).sendKeys(nickname);
        new Select(browser.findElement(By.id("transport"))).selectByValue(transport);
        browser.findElement(By.id("join-button")).click();
    }

    private static void awaitPage(java.util.function.BooleanSupplier condition, java.util.function.Supplier<String> what) {
        try {
            dev.switchboard.testing.Await.until("the page", BOUND, condition::getAsBoolean);
        } catch (AssertionError e) {
            throw new AssertionError("not within " + BOUND + ": " + what.get(), e);
        }
    }
}
