package dev.switchboard.it.app;

import dev.switchboard.api.MessagingApplication;
import java.util.Set;

/** A registration class, found by the scan itself. */
public class ListingApplication extends MessagingApplication {
    @Override
    public Set<Class<?>> getClasses() {
        return Set.of(ListedHandler.class);
    }
}
