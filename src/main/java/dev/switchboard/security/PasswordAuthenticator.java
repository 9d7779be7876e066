package dev.switchboard.security;

import java.security.Principal;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Who a STOMP session is: a bearer token on CONNECT ({@code Authorization: Bearer ...}, or the
 * {@code passcode} with no {@code login}, as stompjs users pass it) checked by the
 * {@link TokenVerifier}; else {@code login}/{@code passcode} checked against {@code stomp.users}
 * (PBKDF2 hashes, see {@link PasswordHashes}); else the connection's own principal (a handshake
 * token, the container's login); else anonymous when that is allowed. A token presented with no
 * verifier configured is refused: silently ignoring it would hide a misconfiguration. With no
 * users configured, {@code login}/{@code passcode} are ignored (as Spring's simple broker does).
 */
public final class PasswordAuthenticator implements Authenticator {

    /** A user name as a principal. */
    public record User(String name) implements Principal {
        @Override
        public String getName() {
            return name;
        }
    }

    /** Hashed the same way as real entries, so an unknown name costs what a known one does. */
    private static final String DECOY = PasswordHashes.hash("decoy");

    private final Map<String, String> hashes = new HashMap<>();
    private final boolean anonymousAllowed;
    private final TokenVerifier tokens;

    /**
     * @param users            {@code name:HASH} entries ({@link PasswordHashes#hash})
     * @param anonymousAllowed whether sessions without credentials or a connection principal are accepted
     * @param tokens           the token verifier, or null when none is configured
     */
    public PasswordAuthenticator(List<String> users, boolean anonymousAllowed, TokenVerifier tokens) {
        for (String entry : users) {
            int colon = entry.indexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("a user is name:hash; one entry has no name or no colon");
            }
            String name = entry.substring(0, colon);
            String hash = entry.substring(colon + 1);
            if (!PasswordHashes.isHash(hash)) {
                throw new IllegalArgumentException("the password of user " + name + " is not a hash (pbkdf2-sha256:"
                        + "ITERATIONS:SALT:HASH); plain passwords are not accepted, see docs/security.md");
            }
            hashes.put(name, hash);
        }
        this.anonymousAllowed = anonymousAllowed;
        this.tokens = tokens;
    }

    public PasswordAuthenticator(List<String> users, boolean anonymousAllowed) {
        this(users, anonymousAllowed, null);
    }

    @Override
    public Principal authenticate(Credentials credentials, Principal handshakePrincipal) throws AuthenticationException {
        String token = bearer(credentials);
        if (token != null) {
            if (tokens == null) {
                throw new AuthenticationException("a bearer token was given but this server is configured to verify"
                        + " none (no jwt.* setting)");
            }
            TokenPrincipal user = tokens.verify(token);
            if (handshakePrincipal != null && !handshakePrincipal.getName().equals(user.getName())) {
                throw new AuthenticationException("the CONNECT token names another user than the connection's");
            }
            return user;
        }
        if (credentials.login() != null && !credentials.login().isEmpty() && !hashes.isEmpty()) {
            String hash = hashes.get(credentials.login());
            String given = credentials.passcode() == null ? "" : credentials.passcode();
            boolean ok = PasswordHashes.matches(given, hash == null ? DECOY : hash);
            if (hash == null || !ok) {
                throw new AuthenticationException("bad login or passcode");
            }
            if (handshakePrincipal != null && !handshakePrincipal.getName().equals(credentials.login())) {
                throw new AuthenticationException("the login names another user than the connection's");
            }
            return new User(credentials.login());
        }
        if (handshakePrincipal != null) {
            return handshakePrincipal;
        }
        if (!anonymousAllowed) {
            throw new AuthenticationException("authentication required: send a bearer token, or login and passcode");
        }
        return null;
    }

    /** The token of {@code Authorization: Bearer ...}, or a passcode sent without a login. */
    private static String bearer(Credentials c) {
        String auth = c.authorization();
        if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return auth.substring(7).trim();
        }
        String passcode = c.passcode();
        if ((c.login() == null || c.login().isEmpty()) && passcode != null
                && passcode.chars().filter(ch -> ch == '.').count() == 2) {
            return passcode; // a JWT's three parts
        }
        return null;
    }
}
