package dev.switchboard.security;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.ImmutableSecret;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Verifies bearer tokens (JWS-signed JWTs) with nimbus-jose-jwt: the signature against a shared
 * secret (HS256/384/512), a PEM public key (RS*, ES*) or a JWK set (a file, or an {@code https}
 * URL fetched and cached), then {@code exp} (required) and {@code nbf} with a clock skew, and
 * {@code iss} and {@code aud} when configured. Unsigned tokens ({@code alg:none}) and algorithms
 * the key does not call for are refused. Thread-safe.
 *
 * <p>What a refusal says names the check that failed, never the token.
 */
public final class TokenVerifier {

    /** How tokens are checked; exactly one key source is set. */
    public record Config(String secret, Path publicKey, String jwks, Duration jwksRefresh, String issuer,
                         List<String> audience, Duration clockSkew, String nameClaim, String rolesClaim) {
    }

    private static final Set<JWSAlgorithm> HMAC = Set.of(JWSAlgorithm.HS256, JWSAlgorithm.HS384, JWSAlgorithm.HS512);
    private static final Set<JWSAlgorithm> RSA = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.RS384, JWSAlgorithm.RS512,
            JWSAlgorithm.PS256, JWSAlgorithm.PS384, JWSAlgorithm.PS512);
    private static final Set<JWSAlgorithm> EC = Set.of(JWSAlgorithm.ES256, JWSAlgorithm.ES384, JWSAlgorithm.ES512);

    private final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
    private final String nameClaim;
    private final List<String> rolesPath;
    private final String description;

    private TokenVerifier(JWKSource<SecurityContext> keys, Set<JWSAlgorithm> algorithms, Config config,
                          String description) {
        this.nameClaim = config.nameClaim();
        this.rolesPath = List.of(config.rolesClaim().split("\\."));
        this.description = description;
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(algorithms, keys));
        JWTClaimsSet exact = config.issuer().isEmpty() ? new JWTClaimsSet.Builder().build()
                : new JWTClaimsSet.Builder().issuer(config.issuer()).build();
        DefaultJWTClaimsVerifier<SecurityContext> claims = new DefaultJWTClaimsVerifier<>(
                config.audience().isEmpty() ? null : new HashSet<>(config.audience()), exact,
                Set.of("exp", config.nameClaim()), null);
        claims.setMaxClockSkew((int) Math.min(Integer.MAX_VALUE, config.clockSkew().toSeconds()));
        processor.setJWTClaimsSetVerifier(claims);
    }

    /**
     * The verifier the configuration asks for, or null when it names no key.
     *
     * @throws IllegalArgumentException for a configuration that cannot work (two key sources, a
     *                                  short secret, an unreadable key file); the secret is never in the message
     */
    public static TokenVerifier of(Config config) {
        int sources = (config.secret().isEmpty() ? 0 : 1) + (config.publicKey() == null ? 0 : 1)
                + (config.jwks().isEmpty() ? 0 : 1);
        if (sources == 0) {
            return null;
        }
        if (sources > 1) {
            throw new IllegalArgumentException("configure one of jwt.secret (or jwt.secret.file), jwt.public.key and"
                    + " jwt.jwks, not several");
        }
        if (!config.secret().isEmpty()) {
            byte[] secret = config.secret().getBytes(StandardCharsets.UTF_8);
            if (secret.length < 32) {
                throw new IllegalArgumentException("jwt.secret must be at least 32 bytes (256 bits) for HS256; it has "
                        + secret.length);
            }
            Set<JWSAlgorithm> algorithms = new HashSet<>(Set.of(JWSAlgorithm.HS256));
            if (secret.length >= 48) {
                algorithms.add(JWSAlgorithm.HS384);
            }
            if (secret.length >= 64) {
                algorithms.add(JWSAlgorithm.HS512);
            }
            return new TokenVerifier(new ImmutableSecret<>(secret), algorithms, config, "HMAC secret " + algorithms);
        }
        if (config.publicKey() != null) {
            try {
                JWK key = PemKeys.publicKey(Files.readString(config.publicKey()));
                Set<JWSAlgorithm> algorithms = key instanceof RSAKey ? RSA : EC;
                return new TokenVerifier(new ImmutableJWKSet<>(new JWKSet(key)), algorithms, config,
                        "public key " + config.publicKey());
            } catch (IOException | GeneralSecurityException e) {
                throw new IllegalArgumentException("cannot read jwt.public.key " + config.publicKey() + ": "
                        + e.getMessage(), e);
            }
        }
        Set<JWSAlgorithm> asymmetric = new HashSet<>(RSA);
        asymmetric.addAll(EC);
        if (config.jwks().startsWith("https://")) {
            try {
                long ttl = config.jwksRefresh().toMillis();
                JWKSource<SecurityContext> keys = JWKSourceBuilder.<SecurityContext>create(URI.create(config.jwks()).toURL())
                        .cache(ttl, Math.min(ttl, 15_000)).retrying(true).build();
                return new TokenVerifier(keys, asymmetric, config, "JWKS " + config.jwks());
            } catch (IOException | IllegalArgumentException e) {
                throw new IllegalArgumentException("bad jwt.jwks URL " + config.jwks() + ": " + e.getMessage(), e);
            }
        }
        try {
            JWKSet set = JWKSet.load(Path.of(config.jwks()).toFile());
            return new TokenVerifier(new ImmutableJWKSet<>(set), asymmetric, config, "JWKS file " + config.jwks());
        } catch (IOException | ParseException e) {
            throw new IllegalArgumentException("cannot read the JWK set in " + config.jwks() + ": " + e.getMessage(), e);
        }
    }

    /**
     * The token's user.
     *
     * @throws AuthenticationException naming what failed (a bad signature, expired, not yet valid,
     *                                 wrong audience or issuer, malformed), never the token
     */
    public TokenPrincipal verify(String token) throws AuthenticationException {
        JWTClaimsSet claims;
        try {
            claims = processor.process(token, null);
        } catch (ParseException e) {
            throw new AuthenticationException("invalid token: not a JWT");
        } catch (BadJWTException e) {
            throw new AuthenticationException("invalid token: " + claimsProblem(e.getMessage()));
        } catch (BadJOSEException e) {
            String m = e.getMessage() == null ? "" : e.getMessage();
            throw new AuthenticationException("invalid token: " + (m.contains("nsecured") || m.contains("plain")
                    ? "unsigned tokens are refused" : m.contains("key") || m.contains("algorithm")
                    ? "signed with an algorithm or key this server does not accept" : "bad signature"));
        } catch (JOSEException e) {
            throw new AuthenticationException("invalid token: its signature could not be checked");
        }
        Object name = claims.getClaim(nameClaim);
        if (!(name instanceof String n) || n.isBlank()) {
            throw new AuthenticationException("invalid token: no " + nameClaim + " claim naming the user");
        }
        return new TokenPrincipal(n, roles(claims.getClaims()), claims.getClaims(),
                claims.getExpirationTime().toInstant());
    }

    private static String claimsProblem(String message) {
        String m = message == null ? "" : message.toLowerCase(Locale.ROOT);
        if (m.contains("expired")) {
            return "expired";
        }
        if (m.contains("before use time") || m.contains("nbf")) {
            return "not yet valid";
        }
        if (m.contains(" aud ")) {
            return "wrong audience";
        }
        if (m.contains(" iss ")) {
            return "wrong issuer";
        }
        if (m.contains("missing required claims")) {
            return "missing required claims (exp and the user name)";
        }
        return "claims not accepted";
    }

    /** Roles from the configured claim: a list, a space-separated string, or a path into nested objects. */
    private Set<String> roles(Map<String, Object> claims) {
        Object at = claims;
        for (String step : rolesPath) {
            if (!(at instanceof Map<?, ?> map)) {
                return Set.of();
            }
            at = map.get(step);
        }
        Set<String> roles = new LinkedHashSet<>();
        if (at instanceof String text) {
            for (String r : text.trim().split("\\s+")) {
                if (!r.isEmpty()) {
                    roles.add(r);
                }
            }
        } else if (at instanceof Collection<?> list) {
            for (Object r : list) {
                if (r instanceof String s) {
                    roles.add(s);
                }
            }
        }
        return roles;
    }

    @Override
    public String toString() {
        return description;
    }
}
