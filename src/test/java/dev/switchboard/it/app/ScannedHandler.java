package dev.switchboard.it.app;

import dev.switchboard.api.MessageController;
import dev.switchboard.api.MessageMapping;

/** Found by the container's scan: annotated. */
@MessageController
public class ScannedHandler {
    @MessageMapping("/scanned")
    public String scanned(String body) {
        return "scanned:" + body;
    }
}
