package dev.switchboard.it.app;

import dev.switchboard.api.MessageController;
import dev.switchboard.api.MessageMapping;
import dev.switchboard.api.MessagingSession;
import dev.switchboard.api.SendToUser;

/** Tells a session its user, roles and one claim of its token, as a handler sees them. */
@MessageController
public class Me {
    @MessageMapping("/me")
    @SendToUser(value = "/queue/me", broadcast = false)
    public String me(MessagingSession session) {
        return session.userName() + " " + session.roles() + " dept=" + session.claims().get("dept");
    }
}
