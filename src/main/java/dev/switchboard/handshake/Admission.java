package dev.switchboard.handshake;

import dev.switchboard.security.RateLimit;
import dev.switchboard.security.TokenBucket;
import dev.switchboard.session.SessionRegistry;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.logging.Logger;

/**
 * Who may open a connection now: at most {@code connectionsMax} open in all and
 * {@code perAddressMax} from one client address, and at most so many handshakes a second from
 * one address (a token bucket per address). Checked on the upgrade request (and on a request that
 * would make a new SockJS session) before any session state exists; a refusal is an HTTP status
 * with {@code Retry-After}, counted by cause.
 *
 * <p>The buckets of addresses that have been quiet long enough to be full again are forgotten by
 * {@link #forgetIdle}, which the deployment runs every few seconds, so the map holds only
 * addresses that shook hands lately.
 */
public final class Admission {

    private static final Logger LOG = Logger.getLogger(Admission.class.getName());

    /**
     * @param connectionsMax most open connections in all
     * @param perAddressMax  most open connections from one address
     * @param handshakeRate  handshakes a second from one address
     */
    public record Limits(int connectionsMax, int perAddressMax, RateLimit handshakeRate) {
        @Override
        public String toString() {
            return connectionsMax + " connections (" + perAddressMax + " per address), handshakes "
                    + handshakeRate + " per address";
        }
    }

    private volatile boolean draining;
    private final Limits limits;
    private final SessionRegistry registry;
    private final Map<String, TokenBucket> buckets = new ConcurrentHashMap<>();
    private final LongAdder refusedFull = new LongAdder();
    private final LongAdder refusedAddress = new LongAdder();
    private final LongAdder refusedRate = new LongAdder();

    public Admission(Limits limits, SessionRegistry registry) {
        this.limits = limits;
        this.registry = registry;
    }

    public Limits limits() {
        return limits;
    }

    /**
     * Admits a new connection from {@code address}, or answers the request with 503 or 429 and
     * returns false.
     */
    /** From now on no connection opens (the server is about to stop); /health says DOWN. */
    public void drain() {
        draining = true;
    }

    public boolean draining() {
        return draining;
    }

    public boolean admit(String address, HttpServletResponse response) throws IOException {
        String refusal = refusal(address);
        if (refusal == null) {
            return true;
        }
        boolean full = refusal.startsWith("server");
        LOG.fine(() -> "connection from " + address + " refused: " + refusal);
        response.setHeader("Retry-After", full ? "5" : "1");
        response.sendError(full ? HttpServletResponse.SC_SERVICE_UNAVAILABLE : 429, refusal);
        return false;
    }

    /** Null when a connection from {@code address} may open now, else why not (counted). */
    String refusal(String address) {
        String key = address == null ? "unknown" : address;
        if (draining) {
            refusedFull.increment();
            return "server draining: it is about to stop, connect to another";
        }
        if (registry.openOrOpening() >= limits.connectionsMax()) {
            refusedFull.increment();
            return "server full: " + limits.connectionsMax() + " connections are open";
        }
        if (registry.openFrom(key) >= limits.perAddressMax()) {
            refusedAddress.increment();
            return "too many connections: " + limits.perAddressMax() + " are open from this address";
        }
        if (limits.handshakeRate().limited()) {
            long now = System.nanoTime();
            TokenBucket bucket = buckets.computeIfAbsent(key, k -> limits.handshakeRate().bucket(now));
            boolean taken;
            synchronized (bucket) {
                taken = bucket.take(1, now);
            }
            if (!taken) {
                refusedRate.increment();
                return "too many handshakes: more than " + limits.handshakeRate() + " from this address";
            }
        }
        registry.admitted(key);
        return null;
    }

    /**
     * Forgets the buckets that are full again (their addresses have been quiet), and admissions
     * whose connection never opened (10 s).
     */
    public void forgetIdle() {
        registry.expireAdmissions(java.util.concurrent.TimeUnit.SECONDS.toNanos(10));
        long now = System.nanoTime();
        buckets.entrySet().removeIf(e -> {
            synchronized (e.getValue()) {
                return e.getValue().full(now);
            }
        });
    }

    /** Refusals by cause, for {@code /stats}. */
    public Map<String, Object> stats() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("connectionsMax", limits.connectionsMax());
        out.put("connectionsPerAddressMax", limits.perAddressMax());
        out.put("refusedServerFull", refusedFull.sum());
        out.put("refusedPerAddress", refusedAddress.sum());
        out.put("refusedHandshakeRate", refusedRate.sum());
        out.put("rateTrackedAddresses", buckets.size());
        return out;
    }
}
