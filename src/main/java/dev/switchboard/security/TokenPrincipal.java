package dev.switchboard.security;

import java.security.Principal;
import java.time.Instant;
import java.util.Map;
import java.util.Set;

/**
 * A user a verified token names: the name claim, the roles, every claim, and when the token
 * expires (the session ends then).
 */
public record TokenPrincipal(String name, Set<String> roles, Map<String, Object> claims, Instant expiresAt)
        implements Principal {

    public TokenPrincipal {
        roles = Set.copyOf(roles);
        claims = Map.copyOf(claims);
    }

    @Override
    public String getName() {
        return name;
    }

    /** Never the token or its claims: a principal ends up in logs. */
    @Override
    public String toString() {
        return "TokenPrincipal[" + name + ", roles " + roles + "]";
    }
}
