package dev.switchboard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.switchboard.stomp.StompCommand;
import dev.switchboard.stomp.StompFrame;
import dev.switchboard.testing.Deployments;
import dev.switchboard.testing.StompTestClient;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * RS256 tokens checked against a JWK set Switchboard fetches over https, as from Keycloak or Auth0:
 * the test serves the set itself (a JDK HTTPS server on 127.0.0.1 with a certificate keytool makes
 * at test time, trusted by this JVM), counts the fetches, and rotates a key.
 */
@ExtendWith(ArquillianExtension.class)
class JwksIT {

    static final List<JWK> SERVED = new CopyOnWriteArrayList<>();
    static final AtomicInteger FETCHES = new AtomicInteger();
    static HttpsServer server;
    static RSAKey first;

    @Deployment(testable = false)
    static WebArchive deployment() throws Exception {
        Path dir = Path.of("target", "jwks-it");
        Files.createDirectories(dir);
        Path keystore = dir.resolve("keystore.p12");
        Files.deleteIfExists(keystore);
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "jwks", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1", "-storetype", "PKCS12",
                "-keystore", keystore.toString(), "-storepass", "test-secret").inheritIO().start();
        assertEquals(0, keytool.waitFor());
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            store.load(in, "test-secret".toCharArray());
        }
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, "test-secret".toCharArray());
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(keys.getKeyManagers(), null, null);
        // Switchboard (in this JVM's embedded Tomcat) trusts the test's certificate, as a server
        // trusts its identity provider's
        System.setProperty("javax.net.ssl.trustStore", keystore.toAbsolutePath().toString());
        System.setProperty("javax.net.ssl.trustStorePassword", "test-secret");
        System.setProperty("javax.net.ssl.trustStoreType", "PKCS12");

        first = new RSAKeyGenerator(2048).keyID("k1").generate();
        SERVED.add(first.toPublicJWK());
        server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(tls));
        server.createContext("/certs", exchange -> {
            FETCHES.incrementAndGet();
            byte[] body = new JWKSet(List.copyOf(SERVED)).toString().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        return Deployments.switchboard("jwks", Map.of("switchboard.jwt.jwks",
                "https://127.0.0.1:" + server.getAddress().getPort() + "/certs", "switchboard.jwt.issuer", "https://idp.test"));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    @ArquillianResource
    URL base;

    static String token(RSAKey key, String user) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(),
                new JWTClaimsSet.Builder().subject(user).issuer("https://idp.test")
                        .expirationTime(Date.from(Instant.now().plusSeconds(300))).build());
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }

    private StompFrame connect(String token) throws Exception {
        try (StompTestClient c = StompTestClient.open(URI.create(base.toString().replaceFirst("^http", "ws") + "stomp"))) {
            c.send(StompFrame.of(StompCommand.CONNECT, "accept-version", "1.2", "heart-beat", "0,0",
                    "Authorization", "Bearer " + token));
            return c.poll(Duration.ofSeconds(10));
        }
    }

    @Test
    void tokensSignedByAKeyOfTheFetchedSetAreAcceptedTheSetIsCachedAndARotatedKeyIsFetched() throws Exception {
        assertEquals("ann", connect(token(first, "ann")).header("user-name"));
        assertEquals("bob", connect(token(first, "bob")).header("user-name"));
        assertEquals(1, FETCHES.get(), "fetched once, then cached");

        RSAKey stranger = new RSAKeyGenerator(2048).keyID("k1").generate();
        StompFrame forged = connect(token(stranger, "mallory"));
        assertEquals(StompCommand.ERROR, forged.command());
        assertEquals("invalid token: bad signature", forged.bodyText());

        RSAKey rotated = new RSAKeyGenerator(2048).keyID("k2").generate();
        SERVED.add(rotated.toPublicJWK());
        assertEquals("cy", connect(token(rotated, "cy")).header("user-name"), "an unknown key id makes it fetch again");
        assertTrue(FETCHES.get() >= 2, "fetches: " + FETCHES.get());
    }
}
