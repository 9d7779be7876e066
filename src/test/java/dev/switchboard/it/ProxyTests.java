package dev.switchboard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.runner.EmbeddedServer;
import dev.switchboard.stomp.StompCommand;
import dev.switchboard.stomp.StompFrame;
import dev.switchboard.testing.Await;
import dev.switchboard.testing.Containers;
import dev.switchboard.testing.RedisProcess;
import dev.switchboard.testing.StompTestClient;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.catalina.valves.RemoteIpValve;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.Select;

/**
 * A real reverse proxy, started with its configuration from {@code tomcat-conf/proxy/} (only the
 * addresses changed), in front of two Switchboard nodes that share a private Redis: WebSockets are
 * spread over both nodes, SockJS {@code xhr_streaming} sessions stay on their node, and messages
 * cross between clients on different nodes; the chat page works through it in Chromium. One
 * subclass per proxy.
 */
abstract class ProxyTests {

    private static final Path WAR = Path.of(System.getProperty("test.war", "target/test.war"));
    static final Duration BOUND = Duration.ofSeconds(20);

    static RedisProcess redis;
    static EmbeddedServer a;
    static EmbeddedServer b;
    static Process proxy;
    static URI front;
    /** The proxy's TLS side (its certificate: the tests' key, {@link Containers#keystore()}). */
    static URI tlsFront;
    private static int tlsPort;
    private static Path certificate;
    private static Path privateKey;

    /** Starts Redis, the two nodes, and the proxy that {@code start} starts on the port it is given. */
    static void startAll(String name, ProxyStarter start) throws Exception {
        Path dir = Path.of("target", "proxy-it", name).toAbsolutePath();
        EmbeddedServer.deleteTree(dir);
        redis = RedisProcess.start(dir.resolve("redis"));
        a = node(dir.resolve("a"));
        b = node(dir.resolve("b"));
        int port = RedisProcess.freePort();
        tlsPort = RedisProcess.freePort();
        certificate = dir.resolve("switchboard.crt");
        privateKey = dir.resolve("switchboard.key");
        pem(Containers.keystore(), certificate, privateKey);
        proxy = start.start(dir.resolve(name), port, a.port(), b.port());
        front = URI.create("http://127.0.0.1:" + port + "/");
        tlsFront = URI.create("https://127.0.0.1:" + tlsPort + "/");
        Await.until(name + " answers on port " + port, BOUND, () -> {
            if (!proxy.isAlive()) {
                throw new IllegalStateException(name + " exited with " + proxy.exitValue() + "; see " + dir.resolve(name));
            }
            try {
                return Http.get(front.resolve("health")).statusCode() == 200;
            } catch (IOException e) {
                return false;
            }
        });
    }

    interface ProxyStarter {
        Process start(Path dir, int port, int nodeA, int nodeB) throws Exception;
    }

    private static EmbeddedServer node(Path dir) throws Exception {
        EmbeddedServer node = EmbeddedServer.start(WAR, "127.0.0.1", 0, dir,
                Map.of("switchboard.broker.relay", redis.uri()));
        // as tomcat-conf/server.xml has it: the client's address and scheme from the proxy's headers
        RemoteIpValve remoteIp = new RemoteIpValve();
        remoteIp.setRemoteIpHeader("X-Forwarded-For");
        remoteIp.setProtocolHeader("X-Forwarded-Proto");
        node.context().getParent().getPipeline().addValve(remoteIp);
        return node;
    }

    /** The shipped configuration with the test's addresses and certificate in place of the documented ones. */
    static String shipped(String file, int port, int nodeA, int nodeB) throws IOException {
        String text = Files.readString(Path.of("tomcat-conf", "proxy", file));
        for (String documented : List.of("127.0.0.1:8080", "127.0.0.1:8081", "127.0.0.1:8082", "127.0.0.1:8443",
                "/etc/ssl/switchboard/switchboard.crt", "/etc/ssl/switchboard/switchboard.key")) {
            assertTrue(text.contains(documented), file + " names " + documented);
        }
        return text.replace("127.0.0.1:8080", "127.0.0.1:" + port).replace("127.0.0.1:8081", "127.0.0.1:" + nodeA)
                .replace("127.0.0.1:8082", "127.0.0.1:" + nodeB).replace("127.0.0.1:8443", "127.0.0.1:" + tlsPort)
                .replace("/etc/ssl/switchboard/switchboard.crt", certificate.toString())
                .replace("/etc/ssl/switchboard/switchboard.key", privateKey.toString());
    }

    /** The PKCS12 key as the PEM files proxies read, with the openssl command. */
    private static void pem(Path keystore, Path certificate, Path key) throws Exception {
        String password = "pass:" + Containers.KEYSTORE_PASSWORD;
        for (List<String> command : List.of(
                List.of("openssl", "pkcs12", "-in", keystore.toString(), "-passin", password, "-nokeys", "-out", certificate.toString()),
                List.of("openssl", "pkcs12", "-in", keystore.toString(), "-passin", password, "-nocerts", "-nodes", "-out", key.toString()))) {
            Process openssl = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(openssl.getInputStream().readAllBytes());
            if (!openssl.waitFor(30, java.util.concurrent.TimeUnit.SECONDS) || openssl.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + ": " + output);
            }
        }
    }

    @AfterAll
    static void stopAll() throws Exception {
        // the nodes first: their goodbyes close what passes through the proxy, which then stops at once
        for (AutoCloseable c : new AutoCloseable[] {a, b}) {
            if (c != null) {
                c.close();
            }
        }
        if (proxy != null) {
            proxy.destroy();
            if (!proxy.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
                proxy.destroyForcibly().waitFor();
            }
        }
        if (redis != null) {
            redis.close();
        }
    }

    static long figure(EmbeddedServer node, String counter) throws Exception {
        return Stats.number(Http.get(node.uri().resolve("stats")).body(), counter);
    }

    @Test
    void webSocketsAreSpreadOverBothNodesAndMessagesCrossThem() throws Exception {
        URI stomp = URI.create("ws://" + front.getAuthority() + "/stomp");
        long onA = figure(a, "opened");
        long onB = figure(b, "opened");
        List<StompTestClient> clients = new ArrayList<>();
        try {
            // the proxy picks the node with fewer open connections; earlier tests' clients may
            // still weigh on one, so open until both nodes took some (with a bound)
            for (int i = 0; i < 16 && (i < 4 || figure(a, "opened") == onA || figure(b, "opened") == onB); i++) {
                StompTestClient c = StompTestClient.connect(stomp);
                clients.add(c);
                c.send(StompFrame.of(StompCommand.SUBSCRIBE, "id", "1", "destination", "/topic/proxied", "receipt", "r"));
                c.expect(StompCommand.RECEIPT);
            }
            long nowA = figure(a, "opened");
            long nowB = figure(b, "opened");
            assertTrue(nowA > onA && nowB > onB, "both nodes took some of the " + clients.size()
                    + " connections: node A " + onA + " -> " + nowA + ", node B " + onB + " -> " + nowB);
            Await.until("both nodes listen to /topic/proxied", BOUND,
                    () -> redis.subscribers("switchboard:/topic/proxied") == 2);
            clients.get(0).send(StompFrame.of(StompCommand.SEND, "destination", "/topic/proxied").withBody("to all"));
            for (StompTestClient c : clients) {
                assertEquals("to all", c.expect(StompCommand.MESSAGE).bodyText());
            }
        } finally {
            clients.forEach(StompTestClient::close);
        }
    }

    /**
     * TLS ends at the proxy: https and wss reach the nodes over plain HTTP, and the nodes take the
     * request as secure (X-Forwarded-Proto, RemoteIpValve): a page's own https origin is let in,
     * the same page over http is another origin and refused.
     */
    @Test
    void tlsEndsAtTheProxyAndTheNodesSeeASecureRequest() throws Exception {
        java.net.http.HttpClient tls = java.net.http.HttpClient.newBuilder().sslContext(Containers.trustingTestKey()).build();
        assertEquals(200, tls.send(java.net.http.HttpRequest.newBuilder(tlsFront.resolve("health")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode());
        URI wss = URI.create("wss://" + tlsFront.getAuthority() + "/stomp");
        try (StompTestClient subscriber = StompTestClient.connect(tls, wss);
             StompTestClient publisher = StompTestClient.connect(tls, wss)) {
            subscriber.send(StompFrame.of(StompCommand.SUBSCRIBE, "id", "1", "destination", "/topic/over-tls", "receipt", "r"));
            subscriber.expect(StompCommand.RECEIPT);
            Await.until("the subscription is known to the cluster", BOUND,
                    () -> redis.subscribers("switchboard:/topic/over-tls") >= 1);
            publisher.send(StompFrame.of(StompCommand.SEND, "destination", "/topic/over-tls").withBody("through TLS"));
            assertEquals("through TLS", subscriber.expect(StompCommand.MESSAGE).bodyText());
        }
        String own = Http.upgradeStatusLine(tlsFront, "stomp", "https://" + tlsFront.getAuthority());
        assertTrue(own.contains(" 101"), "the https page's own origin is let in: " + own);
        String plain = Http.upgradeStatusLine(tlsFront, "stomp", "http://" + tlsFront.getAuthority());
        assertTrue(plain.contains(" 403"), "the node knows the request is https, so an http page is another origin: " + plain);
    }

    @Test
    void sockJsXhrStreamingSessionsStayOnTheirNodeAndTalkAcrossNodes() throws Exception {
        SockJsXhrClient onA = null;
        SockJsXhrClient onB = null;
        List<SockJsXhrClient> opened = new ArrayList<>();
        try {
            for (int i = 0; i < 24 && (onA == null || onB == null); i++) {
                long beforeA = figure(a, "httpSessions");
                SockJsXhrClient c = SockJsXhrClient.open(front.resolve("sockjs/stomp/"));
                opened.add(c);
                if (figure(a, "httpSessions") > beforeA) {
                    onA = onA == null ? c : onA;
                } else {
                    onB = onB == null ? c : onB;
                }
            }
            assertTrue(onA != null && onB != null, "SockJS sessions on both nodes");
            for (SockJsXhrClient c : List.of(onA, onB)) {
                c.send("CONNECT\naccept-version:1.2\nheart-beat:0,0\n\n\0");
                assertTrue(c.nextFrame().startsWith("CONNECTED\n"));
                c.send("SUBSCRIBE\nid:1\ndestination:/topic/sockjs-proxied\nreceipt:r\n\n\0");
                assertTrue(c.nextFrame().startsWith("RECEIPT\n"));
            }
            Await.until("both nodes listen to /topic/sockjs-proxied", BOUND,
                    () -> redis.subscribers("switchboard:/topic/sockjs-proxied") == 2);
            onA.send("SEND\ndestination:/topic/sockjs-proxied\n\nfrom node A's session\0");
            for (SockJsXhrClient c : List.of(onA, onB)) {
                String frame = c.nextFrame();
                assertTrue(frame.startsWith("MESSAGE\n") && frame.endsWith("\n\nfrom node A's session\0"), frame);
            }
            onB.send("SEND\ndestination:/topic/sockjs-proxied\n\nfrom node B's session\0");
            for (SockJsXhrClient c : List.of(onA, onB)) {
                String frame = c.nextFrame();
                assertTrue(frame.endsWith("\n\nfrom node B's session\0"), frame);
            }
        } finally {
            opened.forEach(SockJsXhrClient::close);
        }
    }

    @Test
    @Tag("browser")
    void theChatPageInChromiumTalksWithPeopleOnBothNodes() throws Exception {
        String room = "proxied-" + getClass().getSimpleName().toLowerCase();
        try (StompTestClient carolOnA = chatter(a, "carol", room);
             StompTestClient daveOnB = chatter(b, "dave", room)) {
            Await.until("both nodes listen to the room", BOUND,
                    () -> redis.subscribers("switchboard:/topic/chat." + room) == 2);
            ChromeDriver browser = SockJsBrowserIT.chromium();
            try {
                browser.get(front + "?room=" + room);
                WebElement nick = browser.findElement(By.id("nickname"));
                nick.clear();
                nick.sendKeys("alice");
                new Select(browser.findElement(By.id("transport"))).selectByValue("sockjs:xhr-streaming");
                browser.findElement(By.id("join-button")).click();
                Await.until("the page connected through the proxy", BOUND,
                        () -> "connected".equals(browser.executeScript("return window.chatState.status")));
                assertEquals("sockjs:xhr-streaming", browser.executeScript("return window.chatState.activeTransport"));
                browser.findElement(By.id("text")).sendKeys("hello both nodes");
                browser.findElement(By.id("send")).click();
                for (StompTestClient c : List.of(carolOnA, daveOnB)) {
                    String body;
                    do {
                        body = c.expect(StompCommand.MESSAGE).bodyText();
                    } while (!body.contains("\"TALK\""));
                    assertTrue(body.contains("\"text\":\"hello both nodes\"") && body.contains("\"sender\":\"alice\""), body);
                }
                for (StompTestClient c : List.of(carolOnA, daveOnB)) {
                    c.send(StompFrame.of(StompCommand.SEND, "destination", "/app/chat/" + room,
                            "content-type", "application/json").withBody("{\"type\":\"TALK\",\"text\":\"hi alice\"}"));
                }
                Await.until("alice sees carol (node A) and dave (node B)", BOUND,
                        () -> String.valueOf(browser.executeScript("return Array.from(document.querySelectorAll("
                                + "\"#messages li[data-type='TALK']\")).map(e => e.dataset.sender).sort().join(',')"))
                                .equals("alice,carol,dave"));
            } finally {
                browser.quit();
            }
        }
    }

    private static StompTestClient chatter(EmbeddedServer node, String nickname, String room) throws Exception {
        StompTestClient c = StompTestClient.connect(URI.create("ws://127.0.0.1:" + node.port() + "/stomp"));
        c.send(StompFrame.of(StompCommand.SUBSCRIBE, "id", "room", "destination", "/topic/chat." + room,
                "nickname", nickname, "receipt", "joined"));
        StompFrame f;
        do {
            f = c.next();
        } while (f.command() != StompCommand.RECEIPT);
        return c;
    }
}
