package dev.switchboard.security;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Password hashes for {@code stomp.users}: PBKDF2 with HMAC-SHA256 from the JDK, in the form
 * {@code pbkdf2-sha256:ITERATIONS:SALT:HASH} (salt and hash in base64). The iterations are part of
 * the hash, so an admin can raise them for new entries without breaking old ones.
 */
public final class PasswordHashes {

    /** What {@link #hash} uses: about 60 ms a check on this project's 2-core machine. */
    public static final int ITERATIONS = 120_000;
    private static final String PREFIX = "pbkdf2-sha256:";
    private static final SecureRandom RANDOM = new SecureRandom();

    private PasswordHashes() {
    }

    /** A new hash of the password, with a random salt. */
    public static String hash(String password) {
        byte[] salt = new byte[16];
        RANDOM.nextBytes(salt);
        return PREFIX + ITERATIONS + ":" + Base64.getEncoder().encodeToString(salt) + ":"
                + Base64.getEncoder().encodeToString(derive(password, salt, ITERATIONS));
    }

    /** Whether text has the form of a hash (not whether it is right). */
    public static boolean isHash(String text) {
        String[] parts = text.split(":", -1);
        if (parts.length != 4 || !text.startsWith(PREFIX)) {
            return false;
        }
        try {
            int iterations = Integer.parseInt(parts[1]);
            Base64.getDecoder().decode(parts[2]);
            Base64.getDecoder().decode(parts[3]);
            return iterations >= 10_000 && iterations <= 10_000_000;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** Whether the password matches the hash, in time that does not depend on where they differ. */
    public static boolean matches(String password, String hash) {
        String[] parts = hash.split(":", -1);
        byte[] salt = Base64.getDecoder().decode(parts[2]);
        byte[] expected = Base64.getDecoder().decode(parts[3]);
        return MessageDigest.isEqual(expected, derive(password, salt, Integer.parseInt(parts[1])));
    }

    private static byte[] derive(String password, byte[] salt, int iterations) {
        PBEKeySpec spec = new PBEKeySpec(password.toCharArray(), salt, iterations, 256);
        try {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK offers no PBKDF2WithHmacSHA256", e);
        } finally {
            spec.clearPassword();
        }
    }
}
