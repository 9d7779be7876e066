package dev.switchboard.it.cdi;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.atomic.AtomicInteger;

/** An application-scoped bean the handler gets injected. */
@ApplicationScoped
public class Greeter {
    private final AtomicInteger count = new AtomicInteger();

    public String greet(String name) {
        return "hello " + name + " #" + count.incrementAndGet();
    }
}
