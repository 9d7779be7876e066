package dev.switchboard.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.Principal;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks login/passcode against a configured list of users. With no users configured,
 * credentials are ignored (as Spring's simple broker does): the session takes the HTTP request's
 * principal, or is anonymous. A principal from the HTTP request wins over credentials.
 */
public final class PasswordAuthenticator implements Authenticator {

    /** A user name as a principal. */
    public record User(String name) implements Principal {
        @Override
        public String getName() {
            return name;
        }
    }

    private final Map<String, byte[]> passwords = new HashMap<>();
    private final boolean anonymousAllowed;

    /**
     * @param users            {@code name:password} entries
     * @param anonymousAllowed whether sessions without credentials or HTTP principal are accepted
     */
    public PasswordAuthenticator(List<String> users, boolean anonymousAllowed) {
        for (String entry : users) {
            int colon = entry.indexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("a user is name:password; got an entry without a name or colon");
            }
            passwords.put(entry.substring(0, colon), entry.substring(colon + 1).getBytes(StandardCharsets.UTF_8));
        }
        this.anonymousAllowed = anonymousAllowed;
    }

    @Override
    public Principal authenticate(String login, String passcode, Principal handshakePrincipal)
            throws AuthenticationException {
        if (handshakePrincipal != null) {
            return handshakePrincipal;
        }
        if (login == null || passwords.isEmpty()) {
            if (!anonymousAllowed) {
                throw new AuthenticationException("authentication required: send login and passcode");
            }
            return null;
        }
        byte[] expected = passwords.get(login);
        byte[] given = (passcode == null ? "" : passcode).getBytes(StandardCharsets.UTF_8);
        // Compare even for an unknown user, so timing does not tell which names exist.
        boolean ok = MessageDigest.isEqual(expected == null ? new byte[given.length + 1] : expected, given);
        if (expected == null || !ok) {
            throw new AuthenticationException("bad login or passcode");
        }
        return new User(login);
    }
}
