package dev.switchboard.stomp;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/** STOMP counters of one deployment, for {@code /stats}. */
public final class StompMetrics {
    final LongAdder sessionsOpen = new LongAdder();
    final LongAdder connects = new LongAdder();
    final LongAdder framesIn = new LongAdder();
    final LongAdder bytesIn = new LongAdder();
    final LongAdder framesOut = new LongAdder();
    final LongAdder bytesOut = new LongAdder();
    final LongAdder heartbeatsIn = new LongAdder();
    final LongAdder heartbeatsOut = new LongAdder();
    final LongAdder heartbeatTimeouts = new LongAdder();
    final LongAdder errorsSent = new LongAdder();
    final LongAdder malformedFrames = new LongAdder();
    final LongAdder authFailures = new LongAdder();
    final LongAdder receipts = new LongAdder();
    final LongAdder commits = new LongAdder();
    final LongAdder aborts = new LongAdder();
    final LongAdder acks = new LongAdder();
    final LongAdder nacks = new LongAdder();
    final LongAdder unknownAcks = new LongAdder();
    final LongAdder interceptorRefusals = new LongAdder();
    final LongAdder tokensExpired = new LongAdder();
    final LongAdder accessDenied = new LongAdder();
    final LongAdder deliveriesRefused = new LongAdder();
    final LongAdder connectTimeouts = new LongAdder();
    final LongAdder rateLimited = new LongAdder();
    final LongAdder overBudget = new LongAdder();

    public Map<String, Long> counters() {
        Map<String, Long> out = new LinkedHashMap<>();
        out.put("sessions", sessionsOpen.sum());
        out.put("connects", connects.sum());
        out.put("framesIn", framesIn.sum());
        out.put("bytesIn", bytesIn.sum());
        out.put("framesOut", framesOut.sum());
        out.put("bytesOut", bytesOut.sum());
        out.put("heartbeatsIn", heartbeatsIn.sum());
        out.put("heartbeatsOut", heartbeatsOut.sum());
        out.put("heartbeatTimeouts", heartbeatTimeouts.sum());
        out.put("errorsSent", errorsSent.sum());
        out.put("malformedFrames", malformedFrames.sum());
        out.put("authFailures", authFailures.sum());
        out.put("receipts", receipts.sum());
        out.put("commits", commits.sum());
        out.put("aborts", aborts.sum());
        out.put("acks", acks.sum());
        out.put("nacks", nacks.sum());
        out.put("unknownAcks", unknownAcks.sum());
        out.put("interceptorRefusals", interceptorRefusals.sum());
        out.put("tokensExpired", tokensExpired.sum());
        out.put("accessDenied", accessDenied.sum());
        out.put("deliveriesRefused", deliveriesRefused.sum());
        out.put("connectTimeouts", connectTimeouts.sum());
        out.put("rateLimited", rateLimited.sum());
        out.put("overBudget", overBudget.sum());
        return out;
    }
}
