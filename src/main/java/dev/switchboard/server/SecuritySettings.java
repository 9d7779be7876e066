package dev.switchboard.server;

import java.time.Duration;
import java.util.List;

/**
 * Who a client is and what it may do: JWT verification (a shared secret, a public key or a JWKS),
 * where tokens come from, the destination rules file, and who may read {@code /stats}. Part of
 * {@link Settings#ALL}. A secret's value is never logged, not even in a setting error.
 */
public final class SecuritySettings {

    private SecuritySettings() {
    }

    public static final Setting<String> JWT_SECRET = new Setting<>(
            "jwt.secret", "secret", "",
            "Shared secret for HS256/HS384/HS512 tokens, at least 32 bytes (UTF-8). Never logged. Prefer"
                    + " `jwt.secret.file`, or the environment variable, to a web.xml entry.",
            text -> text);

    public static final Setting<String> JWT_SECRET_FILE = new Setting<>(
            "jwt.secret.file", "file path", "",
            "A file holding the shared secret (its content, trailing newline stripped).",
            String::strip);

    public static final Setting<String> JWT_PUBLIC_KEY = new Setting<>(
            "jwt.public.key", "file path", "",
            "A PEM file with the public key of RS256/RS384/RS512 (RSA) or ES256/ES384/ES512 (EC) tokens.",
            String::strip);

    public static final Setting<String> JWT_JWKS = new Setting<>(
            "jwt.jwks", "file path or https URL", "",
            "A JWK set: a local file, or an `https://` URL (Keycloak's `.../protocol/openid-connect/certs`,"
                    + " Auth0's `.../.well-known/jwks.json`) fetched when first needed and cached for"
                    + " `jwt.jwks.refresh`; a token signed by a key it does not know makes it fetch again.",
            text -> {
                String t = text.strip();
                if (t.startsWith("http://")) {
                    throw new IllegalArgumentException("a JWKS URL must be https:// (keys fetched in the clear"
                            + " could be swapped)");
                }
                return t;
            });

    public static final Setting<Duration> JWT_JWKS_REFRESH = new Setting<>(
            "jwt.jwks.refresh", "duration", "5m",
            "How long a JWK set fetched from a URL is used before it is fetched again.",
            text -> SettingValues.atLeast(Duration.ofSeconds(1), SettingValues.duration(text)));

    public static final Setting<String> JWT_ISSUER = new Setting<>(
            "jwt.issuer", "text", "",
            "When set, a token's `iss` must be exactly this.",
            String::strip);

    public static final Setting<List<String>> JWT_AUDIENCE = new Setting<>(
            "jwt.audience", "list", "",
            "When set, a token's `aud` must name one of these.",
            SettingValues::list);

    public static final Setting<Duration> JWT_CLOCK_SKEW = new Setting<>(
            "jwt.clock.skew", "duration", "30s",
            "How far `exp` and `nbf` may be off, for clocks that differ.",
            SettingValues::duration);

    public static final Setting<String> JWT_NAME_CLAIM = new Setting<>(
            "jwt.name.claim", "claim", "sub",
            "The claim whose value is the user name (the principal's name, `/user/` destinations, chat"
                    + " sender). A token without it is refused.",
            String::strip);

    public static final Setting<String> JWT_ROLES_CLAIM = new Setting<>(
            "jwt.roles.claim", "claim path", "roles",
            "Where a token's roles are: a claim holding a list (`roles`), a space-separated string"
                    + " (`scope`), or a path into nested objects (`realm_access.roles`, as Keycloak puts them).",
            String::strip);

    public static final Setting<String> JWT_COOKIE = new Setting<>(
            "jwt.cookie", "cookie name", "",
            "A cookie that may carry the token at the handshake (besides `Authorization: Bearer` and the"
                    + " `access_token` query parameter). Empty: tokens are not read from cookies.",
            String::strip);

    public static final Setting<String> SECURITY_RULES = new Setting<>(
            "security.rules", "file path", "",
            "A destination rules file: who may SUBSCRIBE or SEND where (format in docs/security.md;"
                    + " an example in `tomcat-conf/security-rules.txt`). With rules, whatever no rule"
                    + " matches is denied. Empty: no rules (anyone may subscribe and send anywhere the"
                    + " broker allows).",
            String::strip);

    public static final Setting<String> STATS_ACCESS = new Setting<>(
            "stats.access", "loopback, addresses or role", "loopback",
            "Who may read `/stats`: `loopback` (requests from 127.0.0.0/8 and ::1), a list of addresses,"
                    + " `role:NAME` (a token with that role, `Authorization: Bearer`), or `public`."
                    + " `/health` is always public and says only UP, DOWN, or DEGRADED with a reason that names no address.",
            text -> {
                String t = text.strip();
                if (t.isEmpty()) {
                    throw new IllegalArgumentException("loopback, public, role:NAME or a list of addresses");
                }
                return t;
            });

    static final List<Setting<?>> ALL = List.of(JWT_SECRET, JWT_SECRET_FILE, JWT_PUBLIC_KEY, JWT_JWKS,
            JWT_JWKS_REFRESH, JWT_ISSUER, JWT_AUDIENCE, JWT_CLOCK_SKEW, JWT_NAME_CLAIM, JWT_ROLES_CLAIM, JWT_COOKIE,
            SECURITY_RULES, STATS_ACCESS);
}
