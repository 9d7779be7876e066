package dev.switchboard.security;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.security.DestinationRules.Command;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Principal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The rules file: first match wins, unmatched is denied, wildcard subscriptions only where fully covered. */
class DestinationRulesTest {

    static final Path EXAMPLE = Path.of("tomcat-conf/security-rules.txt");

    private final DestinationRules rules = DestinationRules.parse(List.of(
            "# a comment",
            "SUBSCRIBE  /topic/chat.*     permitAll",
            "SEND       /topic/**         denyAll",
            "SEND       /app/chat/*       permitAll",
            "*          /app/admin/**     role:admin,ops",
            "SUBSCRIBE  /user/queue/**    authenticated",
            "SUBSCRIBE  /topic/prices/**  permitAll",
            "SUBSCRIBE  /queue/jobs       role:worker"), "test rules");

    private static final Principal ANN = new TokenPrincipal("ann", Set.of("worker"), Map.of(), Instant.MAX);
    private static final Principal ADMIN = new TokenPrincipal("root", Set.of("ops"), Map.of(), Instant.MAX);
    private static final Principal CONTAINER_USER = () -> "tomcat-user";

    @Test
    void theFirstMatchingRuleDecides() {
        assertNull(rules.refusal(Command.SUBSCRIBE, "/topic/chat.lobby", null));
        assertTrue(rules.refusal(Command.SEND, "/topic/chat.lobby", ADMIN).contains("denied by rule 3"));
        assertNull(rules.refusal(Command.SEND, "/app/chat/lobby", null));
        assertNull(rules.refusal(Command.SEND, "/app/admin/reset", ADMIN));
        assertTrue(rules.refusal(Command.SUBSCRIBE, "/app/admin/state", ANN).contains("needs one of the roles"));
        assertTrue(rules.refusal(Command.SUBSCRIBE, "/user/queue/private", null).contains("signed-in user"));
        assertNull(rules.refusal(Command.SUBSCRIBE, "/user/queue/private", CONTAINER_USER));
        assertNull(rules.refusal(Command.SUBSCRIBE, "/queue/jobs", ANN));
        assertTrue(rules.refusal(Command.SUBSCRIBE, "/queue/jobs", CONTAINER_USER).contains("roles [worker]"),
                "a container login carries no token roles");
    }

    @Test
    void whatNoRuleMatchesIsDenied() {
        assertTrue(rules.refusal(Command.SUBSCRIBE, "/queue/other", ADMIN).contains("matches no rule"));
        assertTrue(rules.refusal(Command.SEND, "/queue/jobs", ADMIN).contains("matches no rule"));
    }

    @Test
    void aWildcardSubscriptionPassesOnlyARuleThatCoversAllItCouldMatch() {
        assertNull(rules.refusal(Command.SUBSCRIBE, "/topic/chat.*", null), "the same pattern");
        assertNull(rules.refusal(Command.SUBSCRIBE, "/topic/prices/eu/*", null), "inside a ** rule");
        assertNull(rules.refusal(Command.SUBSCRIBE, "/topic/prices/**", null));
        assertTrue(rules.refusal(Command.SUBSCRIBE, "/topic/**", null) != null, "wider than any rule");
        assertTrue(rules.refusal(Command.SUBSCRIBE, "/topic/chat.**", null) != null,
                "/topic/chat.* covers one segment, not chat.a/b");
    }

    @Test
    void aBadLineStopsDeploymentNamingTheLine() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DestinationRules.parse(
                List.of("SUBSCRIBE /topic/x permitAll", "PUBLISH /topic/x permitAll"), "f"));
        assertTrue(e.getMessage().startsWith("f line 2: "), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> DestinationRules.parse(List.of("SEND /a everyone"), "f"));
        assertThrows(IllegalArgumentException.class, () -> DestinationRules.parse(List.of("SEND topic permitAll"), "f"));
    }

    @Test
    void theShippedExampleParses() throws Exception {
        assertTrue(Files.exists(EXAMPLE));
        DestinationRules example = DestinationRules.load(EXAMPLE);
        assertTrue(example.size() >= 5, example.toString());
        assertNull(example.refusal(Command.SUBSCRIBE, "/topic/chat.lobby", null));
        assertTrue(example.refusal(Command.SEND, "/topic/chat.lobby", null) != null);
    }
}
