package dev.switchboard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.chat.ChatMessage;
import dev.switchboard.stomp.StompCommand;
import dev.switchboard.stomp.StompFrame;
import dev.switchboard.testing.Deployments;
import dev.switchboard.testing.StompTestClient;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What a client may do: the shipped example rules file (tomcat-conf/security-rules.txt) with
 * tokens, the chat's topics written only by the server with the sender stamped by it (the
 * forgeries of the issue fail), and /stats for a role only.
 */
@ExtendWith(ArquillianExtension.class)
class AuthorizationIT {

    static final Jsonb JSON = JsonbBuilder.create();

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.switchboard("authz", Map.of("switchboard.jwt.secret", SecurityIT.SECRET,
                "switchboard.security.rules", Path.of("tomcat-conf/security-rules.txt").toAbsolutePath().toString(),
                "switchboard.stats.access", "role:monitor"));
    }

    @ArquillianResource
    URL base;

    private URI stomp() {
        return URI.create(base.toString().replaceFirst("^http", "ws") + "stomp");
    }

    static String token(String user, String... roles) {
        try {
            var claims = new com.nimbusds.jwt.JWTClaimsSet.Builder().subject(user).claim("roles", List.of(roles))
                    .expirationTime(Date.from(Instant.now().plusSeconds(300))).build();
            var jwt = new com.nimbusds.jwt.SignedJWT(new com.nimbusds.jose.JWSHeader(com.nimbusds.jose.JWSAlgorithm.HS256),
                    claims);
            jwt.sign(new com.nimbusds.jose.crypto.MACSigner(SecurityIT.SECRET.getBytes()));
            return jwt.serialize();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private StompTestClient as(String user, String... roles) throws Exception {
        return StompTestClient.connect(stomp(), "Authorization", "Bearer " + token(user, roles));
    }

    private static void subscribed(StompTestClient c, String id, String destination, String... more) {
        String[] h = new String[6 + more.length];
        System.arraycopy(new String[] {"id", id, "destination", destination, "receipt", "r-" + id}, 0, h, 0, 6);
        System.arraycopy(more, 0, h, 6, more.length);
        c.send(StompFrame.of(StompCommand.SUBSCRIBE, h));
        StompFrame f = c.poll(Duration.ofSeconds(10));
        while (f != null && f.command() == StompCommand.MESSAGE) {
            f = c.poll(Duration.ofSeconds(10)); // a chat room greets its newcomer before the receipt
        }
        assertEquals(StompCommand.RECEIPT, f == null ? null : f.command(), String.valueOf(f));
        assertEquals("r-" + id, f.header("receipt-id"));
    }

    private static ChatMessage nextTalk(StompTestClient c) {
        while (true) {
            ChatMessage m = JSON.fromJson(c.expect(StompCommand.MESSAGE).bodyText(), ChatMessage.class);
            if (m.type == ChatMessage.Type.TALK) {
                return m;
            }
        }
    }

    @Test
    void aForgedChatMessageStraightToTheTopicIsRefused() throws Exception {
        try (StompTestClient mallory = StompTestClient.connect(stomp())) {
            mallory.send(StompFrame.of(StompCommand.SEND, "destination", "/topic/chat.lobby")
                    .withBody("{\"type\":\"TALK\",\"sender\":\"admin\",\"text\":\"trust me\"}"));
            StompFrame error = mallory.expect(StompCommand.ERROR);
            assertEquals("access denied", error.header("message"));
            assertTrue(error.bodyText().contains("/topic/chat."), error.bodyText());
        }
    }

    @Test
    void theServerStampsTheSenderWhateverTheJsonSays() throws Exception {
        try (StompTestClient carol = as("carol"); StompTestClient zed = StompTestClient.connect(stomp());
             StompTestClient fake = StompTestClient.connect(stomp())) {
            subscribed(carol, "room", "/topic/chat.stamp");
            subscribed(zed, "room", "/topic/chat.stamp", "nickname", "zed");
            subscribed(fake, "room", "/topic/chat.stamp", "nickname", "carol");
            zed.send(StompFrame.of(StompCommand.SEND, "destination", "/app/chat/stamp", "content-type", "application/json")
                    .withBody("{\"type\":\"TALK\",\"sender\":\"admin\",\"text\":\"from zed\"}"));
            ChatMessage fromZed = nextTalk(carol);
            assertEquals("zed", fromZed.sender, "the nickname it joined with, not the JSON's");
            carol.send(StompFrame.of(StompCommand.SEND, "destination", "/app/chat/stamp", "content-type", "application/json")
                    .withBody("{\"type\":\"TALK\",\"sender\":\"mallory\",\"text\":\"from carol\"}"));
            assertEquals("zed", nextTalk(zed).sender, "its own message comes back first");
            assertEquals("carol", nextTalk(zed).sender, "the signed-in user's name, not the JSON's mallory");
            fake.send(StompFrame.of(StompCommand.SEND, "destination", "/app/chat/stamp", "content-type", "application/json")
                    .withBody("{\"type\":\"TALK\",\"text\":\"it is me, carol\"}"));
            ChatMessage fromFake = nextTalk(carol);
            while (!fromFake.text.equals("it is me, carol")) {
                fromFake = nextTalk(carol);
            }
            assertTrue(fromFake.sender.startsWith("guest-"), "a signed-in user's name is not for the taking: "
                    + fromFake.sender);
        }
    }

    @Test
    void theRulesLetRolesThroughAndRefuseTheRestNamingTheRule() throws Exception {
        try (StompTestClient worker = as("wanda", "worker")) {
            subscribed(worker, "jobs", "/queue/jobs");
        }
        try (StompTestClient nobody = as("nora")) {
            nobody.send(StompFrame.of(StompCommand.SUBSCRIBE, "id", "jobs", "destination", "/queue/jobs"));
            StompFrame error = nobody.expect(StompCommand.ERROR);
            assertEquals("access denied", error.header("message"));
            assertTrue(error.bodyText().contains("/queue/jobs") && error.bodyText().contains("role"), error.bodyText());
        }
        try (StompTestClient anonymous = StompTestClient.connect(stomp())) {
            anonymous.send(StompFrame.of(StompCommand.SUBSCRIBE, "id", "q", "destination", "/queue/other"));
            assertTrue(anonymous.expect(StompCommand.ERROR).bodyText().contains("matches no rule"));
        }
        try (StompTestClient peeker = as("pete")) {
            peeker.send(StompFrame.of(StompCommand.SUBSCRIBE, "id", "x", "destination", "/user/wanda/queue/private"));
            assertEquals(StompCommand.ERROR, peeker.expect(StompCommand.ERROR).command(),
                    "another user's queue is never readable");
        }
    }

    @Test
    void statsNeedsTheRoleAndHealthSaysOnlyUpOrDown() throws Exception {
        try (StompTestClient anonymous = StompTestClient.connect(stomp())) {
            anonymous.send(StompFrame.of(StompCommand.SUBSCRIBE, "id", "q", "destination", "/queue/not-in-the-rules"));
            anonymous.expect(StompCommand.ERROR);
        }
        HttpClient http = HttpClient.newHttpClient();
        assertEquals(401, get(http, "stats", null).statusCode());
        assertEquals(403, get(http, "stats", token("nora")).statusCode());
        HttpResponse<String> stats = get(http, "stats", token("mo", "monitor"));
        assertEquals(200, stats.statusCode());
        assertTrue(Stats.number(stats.body(), "accessDenied") >= 1, "the refusal above is counted: " + stats.body());
        assertTrue(Stats.number(stats.body(), "statsRefused") >= 2, "so are the two refused reads: " + stats.body());
        assertEquals("{\"status\":\"UP\"}", get(http, "health", null).body());
    }

    private HttpResponse<String> get(HttpClient http, String path, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
