package dev.switchboard.it.app;

import dev.switchboard.api.MessageController;
import dev.switchboard.api.MessageMapping;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** A handler that blocks its sender's thread until {@code /app/release} (at most 20 s): a slow database, say. */
@MessageController
public class SlowHandler {

    private volatile CountDownLatch gate = new CountDownLatch(1);

    @MessageMapping("/slow")
    public String slow(String body) throws InterruptedException {
        gate.await(20, TimeUnit.SECONDS);
        return "finally " + body;
    }

    @MessageMapping("/release")
    public void release() {
        gate.countDown();
    }
}
