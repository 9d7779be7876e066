package dev.switchboard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import dev.switchboard.stomp.StompCommand;
import dev.switchboard.stomp.StompFrame;
import dev.switchboard.testing.Deployments;
import dev.switchboard.testing.StompTestClient;
import dev.switchboard.testing.TestSocket;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
 * Bearer tokens (HS256 here; every key kind and refusal is in TokenVerifierTest) through a real
 * WebSocket client and SockJS over HTTP: accepted at the handshake and on CONNECT, refused with
 * 401 at the handshake and with an ERROR on CONNECT, never echoed, a token for another user
 * refused, and a live session ended when its token expires.
 */
@ExtendWith(ArquillianExtension.class)
class SecurityIT {

    static final String SECRET = "an-integration-test-secret-of-at-least-32-bytes";

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.switchboard("secure", Map.of("switchboard.jwt.secret", SECRET,
                "switchboard.jwt.audience", "switchboard", "switchboard.jwt.clock.skew", "0s", "switchboard.jwt.cookie",
                "access")).addClasses(dev.switchboard.it.app.Me.class);
    }

    @ArquillianResource
    URL base;

    private URI stomp(String query) {
        return URI.create(base.toString().replaceFirst("^http", "ws") + "stomp" + query);
    }

    static String token(String user, Duration life, String audience) throws Exception {
        JWTClaimsSet claims = new JWTClaimsSet.Builder().subject(user).audience(audience).claim("dept", "ops")
                .claim("roles", List.of("trader")).expirationTime(Date.from(Instant.now().plus(life))).build();
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
        jwt.sign(new MACSigner(SECRET.getBytes()));
        return jwt.serialize();
    }

    static String token(String user) throws Exception {
        return token(user, Duration.ofMinutes(5), "switchboard");
    }

    private static StompFrame connect(StompTestClient c, String... headers) {
        String[] h = new String[4 + headers.length];
        System.arraycopy(new String[] {"accept-version", "1.2", "heart-beat", "0,0"}, 0, h, 0, 4);
        System.arraycopy(headers, 0, h, 4, headers.length);
        c.send(StompFrame.of(StompCommand.CONNECT, h));
        return c.poll(Duration.ofSeconds(10));
    }

    @Test
    void aTokenAtTheHandshakeNamesTheConnectionsUser() throws Exception {
        try (StompTestClient c = StompTestClient.open(stomp(""), Map.of("Authorization", "Bearer " + token("ann")))) {
            StompFrame connected = connect(c);
            assertEquals(StompCommand.CONNECTED, connected.command());
            assertEquals("ann", connected.header("user-name"));
        }
        try (StompTestClient c = StompTestClient.open(stomp("?access_token=" + token("bea")))) {
            assertEquals("bea", connect(c).header("user-name"), "the query parameter, the browsers' fallback");
        }
    }

    @Test
    void aBadTokenAtTheHandshakeIs401AndNoConnectionOpensOnWebSocketAndSockJs() throws Exception {
        String[] bad = {token("ann", Duration.ofMinutes(-5), "switchboard"), token("ann", Duration.ofMinutes(5), "other"),
                token("ann").substring(0, 40) + "x" + token("ann").substring(41),
                new PlainJWT(new JWTClaimsSet.Builder().subject("admin")
                        .expirationTime(Date.from(Instant.now().plusSeconds(60))).build()).serialize()};
        for (String t : bad) {
            TestSocket.Refused refused = assertThrows(TestSocket.Refused.class,
                    () -> TestSocket.connect(stomp(""), Map.of("Authorization", "Bearer " + t)));
            assertEquals(401, refused.status);
            HttpResponse<String> sockjs = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create(base + "sockjs/stomp/000/" + java.util.UUID.randomUUID() + "/xhr"))
                    .header("Authorization", "Bearer " + t).POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(401, sockjs.statusCode(), sockjs.body());
            assertTrue(sockjs.body().startsWith("invalid token: ") && !sockjs.body().contains(t.substring(0, 30)),
                    sockjs.body());
        }
        String stats = Http.get(URI.create(base + "stats")).body();
        assertTrue(Stats.number(stats, "tokensRefused") >= 8, stats);
    }

    @Test
    void aTokenOnConnectWorksAsAHeaderOrAsThePasscodeAndABadOneIsAnErrorThatNeverEchoesIt() throws Exception {
        try (StompTestClient c = StompTestClient.open(stomp(""))) {
            assertEquals("cy", connect(c, "Authorization", "Bearer " + token("cy")).header("user-name"));
        }
        try (StompTestClient c = StompTestClient.open(stomp(""))) {
            assertEquals("dee", connect(c, "passcode", token("dee")).header("user-name"), "stompjs users pass it so");
        }
        String expired = token("eve", Duration.ofMinutes(-1), "switchboard");
        try (StompTestClient c = StompTestClient.open(stomp(""))) {
            StompFrame error = connect(c, "Authorization", "Bearer " + expired);
            assertEquals(StompCommand.ERROR, error.command());
            assertEquals("authentication failed", error.header("message"));
            assertEquals("invalid token: expired", error.bodyText());
            assertTrue(!error.toString().contains(expired.substring(0, 30)));
            assertEquals(1008, c.socket().awaitClose(Duration.ofSeconds(5)).code());
        }
    }

    @Test
    void aConnectTokenForAnotherUserThanTheHandshakesIsRefused() throws Exception {
        try (StompTestClient c = StompTestClient.open(stomp(""), Map.of("Authorization", "Bearer " + token("ann")))) {
            StompFrame error = connect(c, "Authorization", "Bearer " + token("mallory"));
            assertEquals(StompCommand.ERROR, error.command());
            assertTrue(error.bodyText().contains("another user"), error.bodyText());
        }
    }

    @Test
    void aSessionWhoseTokenExpiresIsClosedAtExpiryNotAtItsNextFrame() throws Exception {
        try (StompTestClient c = StompTestClient.open(stomp(""))) {
            StompFrame connected = connect(c, "Authorization", "Bearer " + token("fay", Duration.ofSeconds(2), "switchboard"));
            assertEquals("fay", connected.header("user-name"));
            long start = System.nanoTime();
            StompFrame error = c.poll(Duration.ofSeconds(10));
            assertEquals(StompCommand.ERROR, error.command(), String.valueOf(error));
            assertEquals("token expired", error.header("message"));
            assertEquals(1008, c.socket().awaitClose(Duration.ofSeconds(5)).code());
            assertTrue(System.nanoTime() - start < Duration.ofSeconds(8).toNanos());
        }
    }

    /** The same through @stomp/stompjs in Node over WebSocket and over SockJS (src/test/node/token-e2e.mjs). */
    @Test
    void stompJsPassesTokensOverWebSocketAndSockJs() throws Exception {
        NodeScript.run("token-e2e.mjs", base.toString(), token("ann"), token("ann", Duration.ofMinutes(-5), "switchboard"));
    }

    @Test
    void aTokenInTheConfiguredCookieWorksAndHandlersSeeItsRolesAndClaims() throws Exception {
        try (StompTestClient c = StompTestClient.open(stomp(""), Map.of("Cookie", "access=" + token("gil")))) {
            assertEquals("gil", connect(c).header("user-name"));
            c.send(StompFrame.of(StompCommand.SUBSCRIBE, "id", "me", "destination", "/user/queue/me", "receipt", "r"));
            c.expect(StompCommand.RECEIPT);
            c.send(StompFrame.of(StompCommand.SEND, "destination", "/app/me"));
            assertEquals("gil [trader] dept=ops", c.expect(StompCommand.MESSAGE).bodyText());
        }
    }
}
