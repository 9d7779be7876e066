package dev.switchboard.stomp;

import dev.switchboard.security.InboundRate;
import dev.switchboard.session.MemoryBudget;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * What one STOMP session's client may make it hold or do: the frame being assembled is charged
 * to the connection's memory budget ({@link StompDecoder.Allocator}), frames and bytes a second
 * are bounded by token buckets, and the client has {@code connectTimeout} to send CONNECT.
 * Used under the session's lock, on its input path; the deadline fires on the server's timer.
 */
final class ClientQuota implements StompDecoder.Allocator {

    private final StompServer server;
    private final MemoryBudget.Account account;
    private final InboundRate inbound;
    private final ScheduledFuture<?> connectDeadline;

    /** @param connectTimedOut what to do when CONNECT has not come in time */
    ClientQuota(StompServer server, MemoryBudget.Account account, String address, Runnable connectTimedOut) {
        this.server = server;
        this.account = account;
        this.inbound = new InboundRate(server.limits().inbound(), address);
        this.connectDeadline = server.timer().schedule(connectTimedOut, server.limits().connectTimeout().toMillis(),
                TimeUnit.MILLISECONDS);
    }

    MemoryBudget.Account account() {
        return account;
    }

    @Override
    public String grow(int bytes) {
        try {
            account.reserve(MemoryBudget.Use.FRAMES, bytes);
            return null;
        } catch (MemoryBudget.Refused e) {
            server.metrics().overBudget.increment();
            return "the frame cannot be held: " + e.getMessage();
        }
    }

    @Override
    public void shrink(int bytes) {
        account.release(MemoryBudget.Use.FRAMES, bytes);
    }

    /** Null when {@code n} more bytes are within the rate, else what was exceeded (counted). */
    String bytes(int n) {
        return counted(inbound.bytes(n));
    }

    /** Null when one more frame is within the rate, else what was exceeded (counted). */
    String frame() {
        String over = inbound.message();
        return counted(over == null ? null : over.replace("messages", "frames"));
    }

    private String counted(String over) {
        if (over != null) {
            server.metrics().rateLimited.increment();
        }
        return over;
    }

    /** CONNECTED (or ended): the deadline is off. */
    void connected() {
        connectDeadline.cancel(false);
    }

    /** The CONNECT timeout passed without CONNECT: counted; the text for the ERROR. */
    String connectTimedOut() {
        server.metrics().connectTimeouts.increment();
        return "no CONNECT frame within " + server.limits().connectTimeout().toMillis() + " ms";
    }
}
