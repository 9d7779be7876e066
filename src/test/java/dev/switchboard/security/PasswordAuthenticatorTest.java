package dev.switchboard.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.Principal;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Who a CONNECT makes a session: token, hashed password, the connection's user, or nobody. */
class PasswordAuthenticatorTest {

    private static final Authenticator.Credentials NONE = new Authenticator.Credentials(null, null, null);

    @Test
    void passwordsAreHashesAndAPlainOneStopsDeployment() {
        String hash = PasswordHashes.hash("wonderland");
        assertTrue(PasswordHashes.isHash(hash) && !hash.contains("wonderland"), hash);
        assertTrue(PasswordHashes.matches("wonderland", hash));
        assertTrue(!PasswordHashes.matches("wonderlant", hash));
        assertTrue(!hash.equals(PasswordHashes.hash("wonderland")), "salted");
        IllegalArgumentException plain = assertThrows(IllegalArgumentException.class,
                () -> new PasswordAuthenticator(List.of("alice:wonderland"), true));
        assertTrue(plain.getMessage().contains("not a hash") && !plain.getMessage().contains("wonderland"));
    }

    @Test
    void loginAndPasscodeAreCheckedAgainstTheHash() throws Exception {
        Authenticator a = new PasswordAuthenticator(List.of("alice:" + PasswordHashes.hash("wonderland")), false);
        assertEquals("alice", a.authenticate(new Authenticator.Credentials("alice", "wonderland", null), null).getName());
        assertEquals("bad login or passcode", assertThrows(AuthenticationException.class,
                () -> a.authenticate(new Authenticator.Credentials("alice", "x", null), null)).getMessage());
        assertEquals("bad login or passcode", assertThrows(AuthenticationException.class,
                () -> a.authenticate(new Authenticator.Credentials("nobody", "x", null), null)).getMessage());
        assertThrows(AuthenticationException.class, () -> a.authenticate(NONE, null), "anonymous is off");
    }

    @Test
    void aTokenWithNoVerifierConfiguredIsRefusedNotIgnored() {
        Authenticator a = new PasswordAuthenticator(List.of(), true);
        String jwtShaped = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhIn0.c2ln";
        assertTrue(assertThrows(AuthenticationException.class, () -> a.authenticate(
                new Authenticator.Credentials(null, null, "Bearer " + jwtShaped), null)).getMessage()
                .contains("verify none"));
        assertThrows(AuthenticationException.class, () -> a.authenticate(
                new Authenticator.Credentials("", jwtShaped, null), null), "a JWT as the passcode, login empty");
    }

    @Test
    void withoutCredentialsTheConnectionsUserOrAnonymity() throws Exception {
        Principal container = () -> "tomcat-user";
        Authenticator open = new PasswordAuthenticator(List.of(), true);
        assertEquals("tomcat-user", open.authenticate(NONE, container).getName());
        assertNull(open.authenticate(NONE, null));
        assertNull(open.authenticate(new Authenticator.Credentials("guest", "guest", null), null),
                "with no users configured, login and passcode are ignored");
    }

    /** The command docs/security.md shows, as the build runs it: a hash that the authenticator takes. */
    @Test
    void thePasswordHashCommandPrintsAHashTheAuthenticatorAccepts() throws Exception {
        ProcessBuilder pb = new ProcessBuilder(java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-cp", System.getProperty("java.class.path"), "dev.switchboard.runner.PasswordHash");
        pb.environment().put("SWITCHBOARD_PASSWORD", "wonderland");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes()).strip();
        assertTrue(p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS));
        assertEquals(0, p.exitValue());
        assertTrue(PasswordHashes.isHash(out), out);
        Authenticator a = new PasswordAuthenticator(List.of("alice:" + out), false);
        assertEquals("alice", a.authenticate(new Authenticator.Credentials("alice", "wonderland", null), null).getName());
    }
}
