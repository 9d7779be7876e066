package dev.switchboard.it.app;

import dev.switchboard.api.MessageMapping;

/** Not annotated: found only because {@link ListingApplication} lists it. */
public class ListedHandler {
    @MessageMapping("/listed")
    public String listed(String body) {
        return "listed:" + body;
    }
}
