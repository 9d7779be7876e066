package dev.switchboard.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tokens signed here with each kind of key, and each way a token must be refused. */
class TokenVerifierTest {

    static final String SECRET = "0123456789abcdef0123456789abcdef-a-test-secret";

    @TempDir
    Path dir;

    static TokenVerifier.Config config(String secret, Path publicKey, String jwks) {
        return new TokenVerifier.Config(secret, publicKey, jwks, Duration.ofMinutes(5), "https://issuer.test",
                List.of("switchboard"), Duration.ofSeconds(5), "sub", "roles");
    }

    static JWTClaimsSet.Builder claims(String sub) {
        return new JWTClaimsSet.Builder().subject(sub).issuer("https://issuer.test").audience("switchboard")
                .expirationTime(Date.from(Instant.now().plusSeconds(60)));
    }

    static String sign(JWSSigner signer, JWSAlgorithm alg, JWTClaimsSet claims) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader(alg), claims);
        jwt.sign(signer);
        return jwt.serialize();
    }

    static String hs256(String secret, JWTClaimsSet claims) throws Exception {
        return sign(new MACSigner(secret.getBytes()), JWSAlgorithm.HS256, claims);
    }

    private final TokenVerifier hmac = TokenVerifier.of(config(SECRET, null, ""));

    private String refusal(TokenVerifier verifier, String token) {
        return assertThrows(AuthenticationException.class, () -> verifier.verify(token)).getMessage();
    }

    @Test
    void anHs256TokenNamesItsUserAndRoles() throws Exception {
        TokenPrincipal p = hmac.verify(hs256(SECRET, claims("ann").claim("roles", List.of("admin", "trader")).build()));
        assertEquals("ann", p.getName());
        assertEquals(Set.of("admin", "trader"), p.roles());
        assertTrue(p.expiresAt().isAfter(Instant.now()));
        assertTrue(!p.toString().contains("ey"), "no token in what is logged: " + p);
    }

    @Test
    void everyWayATokenIsWrongIsRefusedNamingTheCheckNotTheToken() throws Exception {
        String forged = hs256("another-secret-that-is-also-long-enough!", claims("ann").build());
        assertEquals("invalid token: bad signature", refusal(hmac, forged));
        assertEquals("invalid token: unsigned tokens are refused",
                refusal(hmac, new PlainJWT(claims("ann").build()).serialize()));
        assertEquals("invalid token: expired", refusal(hmac, hs256(SECRET, claims("ann")
                .expirationTime(Date.from(Instant.now().minusSeconds(60))).build())));
        assertEquals("invalid token: not yet valid", refusal(hmac, hs256(SECRET, claims("ann")
                .notBeforeTime(Date.from(Instant.now().plusSeconds(60))).build())));
        assertEquals("invalid token: wrong audience", refusal(hmac, hs256(SECRET, claims("ann").audience("other").build())));
        assertEquals("invalid token: wrong issuer", refusal(hmac, hs256(SECRET, claims("ann").issuer("https://evil").build())));
        assertTrue(refusal(hmac, hs256(SECRET, claims("ann").expirationTime(null).build())).contains("missing required"));
        assertTrue(refusal(hmac, hs256(SECRET, claims(null).build())).startsWith("invalid token: "));
        assertEquals("invalid token: not a JWT", refusal(hmac, "not.a.token"));
        String token = hs256("another-secret-that-is-also-long-enough!", claims("ann").build());
        assertTrue(!refusal(hmac, token).contains(token.substring(0, 20)));
    }

    @Test
    void withinTheClockSkewAnExpiredTokenStillPasses() throws Exception {
        hmac.verify(hs256(SECRET, claims("ann").expirationTime(Date.from(Instant.now().minusSeconds(2))).build()));
    }

    @Test
    void anRs256TokenIsCheckedAgainstAPemPublicKeyAndAnHmacTokenIsNot() throws Exception {
        RSAKey rsa = new RSAKeyGenerator(2048).generate();
        Path pem = dir.resolve("key.pem");
        Files.writeString(pem, "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(rsa.toRSAPublicKey().getEncoded())
                + "\n-----END PUBLIC KEY-----\n");
        TokenVerifier verifier = TokenVerifier.of(config("", pem, ""));
        assertEquals("bob", verifier.verify(sign(new RSASSASigner(rsa), JWSAlgorithm.RS256, claims("bob").build())).getName());
        // the key confusion attack: an HMAC token whose secret is the public key's bytes
        String confused = sign(new MACSigner(Files.readAllBytes(pem)), JWSAlgorithm.HS256, claims("bob").build());
        assertTrue(refusal(verifier, confused).startsWith("invalid token: "));
        RSAKey other = new RSAKeyGenerator(2048).generate();
        assertEquals("invalid token: bad signature",
                refusal(verifier, sign(new RSASSASigner(other), JWSAlgorithm.RS256, claims("bob").build())));
    }

    @Test
    void anEs256TokenIsCheckedAgainstAJwksFileByItsKeyId() throws Exception {
        ECKey ec = new ECKeyGenerator(Curve.P_256).keyID("k1").generate();
        Path jwks = dir.resolve("jwks.json");
        Files.writeString(jwks, new JWKSet(ec.toPublicJWK()).toString());
        TokenVerifier verifier = TokenVerifier.of(config("", null, jwks.toString()));
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID("k1").build(), claims("cy").build());
        jwt.sign(new ECDSASigner(ec));
        assertEquals("cy", verifier.verify(jwt.serialize()).getName());
    }

    @Test
    void rolesComeFromAListAScopeStringOrANestedPath() throws Exception {
        TokenVerifier scope = TokenVerifier.of(new TokenVerifier.Config(SECRET, null, "", Duration.ofMinutes(5), "",
                List.of(), Duration.ZERO, "preferred_username", "scope"));
        assertEquals(Set.of("read", "write"), scope.verify(hs256(SECRET, claims("x").claim("preferred_username", "dee")
                .claim("scope", "read write").build())).roles());
        TokenVerifier nested = TokenVerifier.of(new TokenVerifier.Config(SECRET, null, "", Duration.ofMinutes(5), "",
                List.of(), Duration.ZERO, "sub", "realm_access.roles"));
        assertEquals(Set.of("admin"), nested.verify(hs256(SECRET, claims("x")
                .claim("realm_access", Map.of("roles", List.of("admin"))).build())).roles());
    }

    @Test
    void aConfigurationThatCannotWorkStopsDeploymentWithoutShowingTheSecret() {
        IllegalArgumentException shortSecret = assertThrows(IllegalArgumentException.class,
                () -> TokenVerifier.of(config("too-short-secret", null, "")));
        assertTrue(!shortSecret.getMessage().contains("too-short-secret"), shortSecret.getMessage());
        assertThrows(IllegalArgumentException.class, () -> TokenVerifier.of(config(SECRET, null, "/jwks.json")));
        assertEquals(null, TokenVerifier.of(config("", null, "")));
    }
}
