package dev.switchboard.server;

import dev.switchboard.security.TokenVerifier;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The deployment's security parts built from its settings. */
final class Security {

    private Security() {
    }

    /** The token verifier the jwt.* settings ask for, or null; a bad configuration stops deployment. */
    static TokenVerifier tokenVerifier(Settings settings) {
        String secret = settings.get(SecuritySettings.JWT_SECRET);
        String secretFile = settings.get(SecuritySettings.JWT_SECRET_FILE);
        if (!secret.isEmpty() && !secretFile.isEmpty()) {
            throw new IllegalArgumentException("set jwt.secret or jwt.secret.file, not both");
        }
        if (!secretFile.isEmpty()) {
            try {
                secret = Files.readString(Path.of(secretFile)).strip();
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read jwt.secret.file " + secretFile + ": " + e.getMessage(), e);
            }
        }
        String publicKey = settings.get(SecuritySettings.JWT_PUBLIC_KEY);
        return TokenVerifier.of(new TokenVerifier.Config(secret, publicKey.isEmpty() ? null : Path.of(publicKey),
                settings.get(SecuritySettings.JWT_JWKS), settings.get(SecuritySettings.JWT_JWKS_REFRESH),
                settings.get(SecuritySettings.JWT_ISSUER), settings.get(SecuritySettings.JWT_AUDIENCE),
                settings.get(SecuritySettings.JWT_CLOCK_SKEW), settings.get(SecuritySettings.JWT_NAME_CLAIM),
                settings.get(SecuritySettings.JWT_ROLES_CLAIM)));
    }
}
