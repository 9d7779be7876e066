package dev.switchboard.session;

/**
 * What every connection of one deployment shares: its limits and the registry that counts and
 * closes connections. The handshake leaves it in each session's user properties under {@link #KEY}.
 */
public record SessionEnvironment(SessionLimits limits, SessionRegistry registry) {

    public static final String KEY = SessionEnvironment.class.getName();
}
