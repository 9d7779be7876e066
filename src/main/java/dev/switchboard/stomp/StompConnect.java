package dev.switchboard.stomp;

import dev.switchboard.security.Authenticator;
import dev.switchboard.security.TokenPrincipal;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The parts of CONNECT that need no session state: which version to speak, what the frame
 * presents as credentials, the CONNECTED and refusal frames, and when a token session must end.
 * {@link StompSession} ties them to its state.
 */
final class StompConnect {

    private StompConnect() {
    }

    /** The versions offered up to {@code highest}. */
    static List<StompVersion> offered(StompVersion highest) {
        return Arrays.stream(StompVersion.values()).filter(v -> v.compareTo(highest) <= 0).toList();
    }

    /** The ERROR for a client that accepts none of the offered versions. */
    static StompFrame unsupported(List<StompVersion> offered) {
        String supported = String.join(",", offered.stream().map(StompVersion::number).toList());
        return new StompFrame(StompCommand.ERROR, StompHeaders.of("version", supported, "message",
                "unsupported STOMP version", "content-type", "text/plain"),
                ("Supported protocol versions are " + supported).getBytes(StandardCharsets.UTF_8));
    }

    /** What the frame presents: {@code login}, {@code passcode}, an {@code Authorization} header. */
    static Authenticator.Credentials credentials(StompFrame frame) {
        String authorization = frame.header("Authorization");
        return new Authenticator.Credentials(frame.header("login"), frame.header("passcode"),
                authorization != null ? authorization : frame.header("authorization"));
    }

    /** The CONNECTED frame: version, the server's heart-beat offer (1.1+), session, server, user. */
    static StompFrame connected(StompVersion version, long sendMillis, long receiveMillis, String sessionId,
                                Principal principal) {
        List<String> headers = new ArrayList<>(List.of("version", version.number()));
        if (version != StompVersion.V1_0) {
            headers.addAll(List.of("heart-beat", sendMillis + "," + receiveMillis));
        }
        headers.addAll(List.of("session", sessionId, "server", StompServer.SERVER_NAME));
        if (principal != null) {
            headers.addAll(List.of("user-name", principal.getName()));
        }
        return new StompFrame(StompCommand.CONNECTED, StompHeaders.of(headers.toArray(String[]::new)), null);
    }

    /** Runs {@code expired} when a token user's token expires; null for other users. */
    static ScheduledFuture<?> expiry(ScheduledExecutorService timer, Principal principal, Runnable expired) {
        if (!(principal instanceof TokenPrincipal token)) {
            return null;
        }
        long millis = Math.max(0, Duration.between(Instant.now(), token.expiresAt()).toMillis());
        return timer.schedule(expired, millis, TimeUnit.MILLISECONDS);
    }
}
