package dev.switchboard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.it.app.ContainerLogin;
import dev.switchboard.it.app.EventLog;
import dev.switchboard.it.app.ListedHandler;
import dev.switchboard.it.app.ListingApplication;
import dev.switchboard.it.app.PublishServlet;
import dev.switchboard.it.app.ScannedHandler;
import dev.switchboard.it.app.SettingHandler;
import dev.switchboard.it.app.SlowHandler;
import dev.switchboard.it.app.TokenCheck;
import dev.switchboard.it.app.TraceHandshake;
import dev.switchboard.it.app.WhoAmI;
import dev.switchboard.stomp.StompCommand;
import dev.switchboard.stomp.StompFrame;
import dev.switchboard.testing.Deployments;
import dev.switchboard.testing.StompTestClient;
import java.net.URI;
import java.net.URL;
import java.util.Map;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * An application's classes in its WAR's {@code WEB-INF/classes}, found the three ways (the scan,
 * a {@code MessagingApplication}, the {@code stomp.handlers} setting, which adds to the others and
 * keeps the demo's echo), with a CONNECT interceptor that names the user from a token, a
 * handshake interceptor's attribute, and a session listener hearing a session's life.
 */
@ExtendWith(ArquillianExtension.class)
class ApplicationDiscoveryIT {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.switchboard("discovery", Map.of("switchboard.stomp.handlers", SettingHandler.class.getName()),
                        "  <filter><filter-name>container-login</filter-name><filter-class>" + ContainerLogin.class.getName()
                                + "</filter-class><async-supported>true</async-supported></filter>\n"
                                + "  <filter-mapping><filter-name>container-login</filter-name><url-pattern>/*</url-pattern>"
                                + "</filter-mapping>\n")
                .addClasses(ContainerLogin.class, WhoAmI.class, LoginServlet.class, ScannedHandler.class, ListedHandler.class, ListingApplication.class, SettingHandler.class,
                        EventLog.class, TokenCheck.class, TraceHandshake.class, PublishServlet.class, SlowHandler.class);
    }

    @ArquillianResource
    URL base;

    private URI stomp() {
        return URI.create(base.toString().replaceFirst("^http", "ws") + "stomp");
    }

    private static void subscribed(StompTestClient c, String id, String destination) {
        c.send(StompFrame.of(StompCommand.SUBSCRIBE, "id", id, "destination", destination, "receipt", "r-" + id));
        assertEquals("r-" + id, c.expect(StompCommand.RECEIPT).header("receipt-id"));
    }

    @Test
    void handlersFoundByTheScanByARegistrationClassAndByTheSettingAllAnswerBesideTheDemos() throws Exception {
        try (StompTestClient c = StompTestClient.connect(stomp())) {
            String[][] cases = {{"/app/scanned", "/topic/scanned", "scanned:x"}, {"/app/listed", "/topic/listed", "listed:x"},
                    {"/app/by-setting", "/topic/by-setting", "setting:x"}, {"/app/echo", "/topic/messages", "\"message\":\"x\""}};
            for (String[] each : cases) {
                subscribed(c, each[1], each[1]);
                c.send(StompFrame.of(StompCommand.SEND, "destination", each[0]).withBody("x"));
                StompFrame answer = c.expect(StompCommand.MESSAGE);
                assertEquals(each[1], answer.header("destination"));
                assertTrue(answer.bodyText().contains(each[2]), answer.bodyText());
            }
        }
    }

    @Test
    void aConnectInterceptorNamesTheUserOrRefusesAndListenersHearTheSessionsLife() throws Exception {
        try (StompTestClient ann = StompTestClient.open(stomp(), Map.of("X-Trace", "t-42"))) {
            ann.send(StompFrame.of(StompCommand.CONNECT, "accept-version", "1.2", "heart-beat", "0,0", "token", "good-ann"));
            assertEquals("ann", ann.expect(StompCommand.CONNECTED).header("user-name"));
            subscribed(ann, "n", "/topic/news");
            ann.send(StompFrame.of(StompCommand.UNSUBSCRIBE, "id", "n", "receipt", "u"));
            ann.expect(StompCommand.RECEIPT);
            ann.send(StompFrame.of(StompCommand.DISCONNECT, "receipt", "bye"));
            ann.expect(StompCommand.RECEIPT);
        }
        try (StompTestClient mallory = StompTestClient.open(stomp())) {
            mallory.send(StompFrame.of(StompCommand.CONNECT, "accept-version", "1.2", "token", "forged"));
            StompFrame refused = mallory.expect(StompCommand.ERROR);
            assertEquals("refused", refused.header("message"));
            assertEquals("bad token", refused.bodyText());
        }
        try (StompTestClient reader = StompTestClient.connect(stomp())) {
            reader.send(StompFrame.of(StompCommand.SUBSCRIBE, "id", "e", "destination", "/app/events"));
            String events = reader.expect(StompCommand.MESSAGE).bodyText();
            assertTrue(events.contains("connected ann trace=t-42"), events);
            assertTrue(events.contains("subscribed ann n /topic/news"), events);
            assertTrue(events.contains("unsubscribed ann n /topic/news"), events);
            assertTrue(events.contains("disconnected ann DISCONNECT"), events);
            assertTrue(!events.contains("mallory") && !events.contains("forged"), "a refused CONNECT never connected: " + events);
        }
        String stats = Http.get(URI.create(base + "stats")).body();
        assertTrue(Stats.number(stats, "interceptorRefusals") >= 1, stats);
    }

    @Test
    void codeOutsideHandlersSendsThroughTheDeploymentsMessaging() throws Exception {
        try (StompTestClient c = StompTestClient.connect(stomp())) {
            subscribed(c, "s", "/topic/from-servlet");
            var response = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest
                    .newBuilder(URI.create(base + "publish?text=from%20a%20servlet"))
                    .POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertEquals(204, response.statusCode());
            assertEquals("from a servlet", c.expect(StompCommand.MESSAGE).bodyText());
        }
    }

    @Test
    void aBlockedHandlerHoldsUpOnlyItsOwnSession() throws Exception {
        try (StompTestClient blocked = StompTestClient.connect(stomp());
             StompTestClient publisher = StompTestClient.connect(stomp());
             StompTestClient reader = StompTestClient.connect(stomp())) {
            subscribed(blocked, "slow", "/topic/slow");
            subscribed(reader, "news", "/topic/news");
            blocked.send(StompFrame.of(StompCommand.SEND, "destination", "/app/slow").withBody("done"));
            for (int i = 0; i < 20; i++) {
                publisher.send(StompFrame.of(StompCommand.SEND, "destination", "/topic/news").withBody("n" + i));
                assertEquals("n" + i, reader.expect(StompCommand.MESSAGE).bodyText(),
                        "other sessions are served while one handler blocks");
            }
            publisher.send(StompFrame.of(StompCommand.SEND, "destination", "/app/release"));
            assertEquals("finally done", blocked.expect(StompCommand.MESSAGE).bodyText());
        }
    }

    @Test
    void theContainersLoginAndTheHttpSessionsAttributesReachHandlers() throws Exception {
        var login = Http.get(URI.create(base + "login?nickname=alice"));
        String cookie = login.headers().firstValue("set-cookie").orElseThrow().split(";")[0];
        try (StompTestClient c = StompTestClient.open(stomp(), Map.of("X-Test-User", "tom", "Cookie", cookie))) {
            c.send(StompFrame.of(StompCommand.CONNECT, "accept-version", "1.2", "heart-beat", "0,0"));
            assertEquals("tom", c.expect(StompCommand.CONNECTED).header("user-name"), "no token: the container's login");
            subscribed(c, "w", "/user/queue/whoami");
            c.send(StompFrame.of(StompCommand.SEND, "destination", "/app/whoami"));
            assertEquals("tom nickname=alice", c.expect(StompCommand.MESSAGE).bodyText());
        }
    }
}
