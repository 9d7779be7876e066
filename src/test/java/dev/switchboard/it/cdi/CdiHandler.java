package dev.switchboard.it.cdi;

import dev.switchboard.api.MessageController;
import dev.switchboard.api.MessageMapping;
import dev.switchboard.api.SendTo;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * A handler CDI makes: it has no constructor Switchboard could call itself with what it needs. CDI
 * hands out a client proxy, which does not carry the class's annotations (the prefix here).
 */
@ApplicationScoped
@MessageController
@MessageMapping("/cdi")
public class CdiHandler {

    private final Greeter greeter;

    @Inject
    public CdiHandler(Greeter greeter) {
        this.greeter = greeter;
    }

    /** CDI's client proxies need one taking nothing; Switchboard must not use it (greeter would be null). */
    protected CdiHandler() {
        this.greeter = null;
    }

    @MessageMapping("/greet")
    @SendTo("/topic/greetings")
    public String greet(String name) {
        return greeter.greet(name);
    }
}
