package dev.switchboard.server;

import dev.switchboard.security.AuthenticationException;
import dev.switchboard.security.DestinationRules;
import dev.switchboard.security.TokenVerifier;
import jakarta.servlet.http.HttpServletRequest;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Set;

/**
 * Who may read {@code /stats} (the {@code stats.access} setting): loopback clients, listed
 * addresses, holders of a token with a role, or anyone. {@code /stats} names queues and shows heap
 * figures, so the default is loopback only.
 */
final class StatsAccess {

    /** What to answer: null to serve; else the HTTP status and a short reason. */
    record Refusal(int status, String reason) {
    }

    private final boolean everyone;
    private final String role;
    private final List<String> addresses;
    private final TokenVerifier tokens;
    private final java.util.concurrent.atomic.LongAdder refused = new java.util.concurrent.atomic.LongAdder();

    StatsAccess(String setting, TokenVerifier tokens) {
        this.tokens = tokens;
        String s = setting.strip();
        this.everyone = s.equals("public");
        this.role = s.startsWith("role:") ? s.substring(5).strip() : null;
        this.addresses = everyone || role != null ? List.of() : SettingValues.list(s);
        if (role != null && role.isEmpty()) {
            throw new IllegalArgumentException("stats.access role:NAME needs a role name");
        }
        if (role != null && tokens == null) {
            throw new IllegalArgumentException("stats.access " + s + " needs a token verifier (a jwt.* setting)");
        }
    }

    /** Requests for /stats refused. */
    long refused() {
        return refused.sum();
    }

    Refusal check(HttpServletRequest request) {
        Refusal refusal = decide(request);
        if (refusal != null) {
            refused.increment();
        }
        return refusal;
    }

    private Refusal decide(HttpServletRequest request) {
        if (everyone) {
            return null;
        }
        if (role != null) {
            String auth = request.getHeader("Authorization");
            if (auth == null || !auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
                return new Refusal(401, "a bearer token with role " + role + " is needed");
            }
            try {
                return DestinationRules.hasRole(tokens.verify(auth.substring(7).trim()), Set.of(role)) ? null
                        : new Refusal(403, "the token lacks role " + role);
            } catch (AuthenticationException e) {
                return new Refusal(401, e.getMessage());
            }
        }
        String remote = request.getRemoteAddr();
        for (String allowed : addresses) {
            if (allowed.equals("loopback") ? loopback(remote) : allowed.equals(remote)) {
                return null;
            }
        }
        return new Refusal(403, "/stats is not served to this address (setting stats.access)");
    }

    private static boolean loopback(String address) {
        try {
            return address != null && InetAddress.getByName(address).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
