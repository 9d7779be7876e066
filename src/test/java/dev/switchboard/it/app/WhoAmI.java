package dev.switchboard.it.app;

import dev.switchboard.api.MessageController;
import dev.switchboard.api.MessageMapping;
import dev.switchboard.api.MessagingSession;
import dev.switchboard.api.SendToUser;
import java.security.Principal;

/** Tells a session who it is and what its HTTP session held at the handshake. */
@MessageController
public class WhoAmI {
    @MessageMapping("/whoami")
    @SendToUser(value = "/queue/whoami", broadcast = false)
    public String whoami(Principal principal, MessagingSession session) {
        return (principal == null ? "anonymous" : principal.getName()) + " nickname=" + session.attributes().get("nickname");
    }
}
