package dev.switchboard.broker.redis;

import dev.switchboard.broker.BrokerException;
import dev.switchboard.broker.Message;
import dev.switchboard.broker.SharedQueues;
import io.lettuce.core.Consumer;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.RedisException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XClaimArgs;
import io.lettuce.core.XGroupCreateArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.models.stream.PendingMessage;
import io.lettuce.core.models.stream.PendingMessages;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * {@code /queue/} destinations shared by every node: one Redis stream per queue
 * ({@code <namespace>:q:<queue>}) with one consumer group, in which each node is a consumer named
 * by its node id. A SEND is stored with XADD (by a script that also enforces the queue's capacity
 * and the number of queues) before it is answered, so a RECEIPT means Redis has it. A node reads
 * only as many messages as its consumers can take (XREADGROUP, on a connection of its own); a
 * message it has handed out stays pending in the group until its consumer acknowledges it (then
 * XACK and XDEL) or gives it up (NACK with no other local consumer, unsubscribe, disconnect: it is
 * added again, marked redelivered, for any node, and the original acknowledged).
 *
 * <p>A node that dies keeps its pending messages in the group. Every node refreshes a liveness
 * key ({@code <namespace>:node:<id>}, 15 s) every 5 s, and every 5 s claims (XCLAIM) the pending
 * messages of consumers whose liveness key is gone, delivering them as redelivered: a killed
 * node's unacknowledged messages reach other consumers within about 20 s. Delivery is
 * at-least-once: a message may come twice if a node dies between handing it out and
 * acknowledging it in Redis.
 *
 * <p>Over 450 lines: sending, reading, settling and claiming share the streams' naming, the
 * consumer group and the scripts, and the claiming of a dead node's messages must hand them out
 * exactly as reading does; split apart they would share most of their fields.
 */
final class RedisQueues implements SharedQueues {

    private static final Logger LOG = Logger.getLogger(RedisQueues.class.getName());
    private static final byte[] GROUP = "switchboard".getBytes(StandardCharsets.UTF_8);
    private static final byte[] FIELD_MESSAGE = {'m'};
    private static final byte[] FIELD_REDELIVERED = {'r'};
    private static final Duration LIVENESS = Duration.ofSeconds(15);
    private static final Duration CLAIM_IDLE = Duration.ofSeconds(10);
    private static final int READ_MAX = 64;

    /** Checks the queue's capacity and the number of queues, makes the stream and its group, adds the message. */
    private static final String SEND = String.join("\n",
            "if redis.call('EXISTS', KEYS[1]) == 0 then",
            "  if redis.call('SISMEMBER', KEYS[2], KEYS[1]) == 0 and redis.call('SCARD', KEYS[2]) >= tonumber(ARGV[3]) then",
            "    return -2",
            "  end",
            "  redis.call('XGROUP', 'CREATE', KEYS[1], ARGV[4], '0', 'MKSTREAM')",
            "  redis.call('SADD', KEYS[2], KEYS[1])",
            "end",
            "if redis.call('XLEN', KEYS[1]) >= tonumber(ARGV[2]) then return -1 end",
            "redis.call('XADD', KEYS[1], '*', 'm', ARGV[1])",
            "return 1");

    /** Drops a queue's stream when nothing is in it (its last consumer here left). */
    private static final String FORGET = String.join("\n",
            "if redis.call('XLEN', KEYS[1]) == 0 then",
            "  redis.call('DEL', KEYS[1])",
            "  redis.call('SREM', KEYS[2], KEYS[1])",
            "end",
            "return 0");

    /** A message taken for this node: its stream and entry id. */
    private record Ticket(byte[] stream, String id) { }

    private final String prefix;
    private final String node;
    private final byte[] nodeBytes;
    private final byte[] queuesKey;
    private final int capacity;
    private final int queuesMax;
    private final Supplier<Link> commands;
    private final Issuer issuer;
    private final Set<String> consumed = ConcurrentHashMap.newKeySet();
    private final Set<String> grouped = ConcurrentHashMap.newKeySet();
    private volatile Intake intake;
    private volatile boolean closed;
    private Link reads;
    private Thread reader;

    private final LongAdder sent = new LongAdder();
    private final LongAdder refused = new LongAdder();
    private final LongAdder taken = new LongAdder();
    private final LongAdder acknowledged = new LongAdder();
    private final LongAdder givenBack = new LongAdder();
    private final LongAdder claimed = new LongAdder();
    private final LongAdder settledLate = new LongAdder();
    /** ACKs and give-backs made while Redis was away, passed on when it is back (bounded). */
    private final java.util.concurrent.ConcurrentLinkedQueue<Runnable> late = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final java.util.concurrent.atomic.AtomicInteger lateCount = new java.util.concurrent.atomic.AtomicInteger();
    private static final int LATE_MAX = 100_000;

    /**
     * @param capacity  most messages one queue holds (waiting and pending)
     * @param queuesMax most queues (streams) at once
     * @param commands  the relay's connection for commands, or null while there is none
     */
    RedisQueues(String prefix, String node, int capacity, int queuesMax,
                Supplier<Link> commands, Issuer issuer) {
        this.issuer = issuer;
        this.prefix = prefix;
        this.node = node;
        this.nodeBytes = node.getBytes(StandardCharsets.UTF_8);
        this.queuesKey = (prefix + "queues").getBytes(StandardCharsets.UTF_8);
        this.capacity = capacity;
        this.queuesMax = queuesMax;
        this.commands = commands;
    }

    /** Starts reading on {@code reads}, a connection of its own (reads block). */
    synchronized void start(Intake intake, Link reads) {
        this.intake = intake;
        this.reads = reads;
        reader = new Thread(this::readLoop, "switchboard-redis-queues");
        reader.setDaemon(true);
        reader.start();
    }

    @Override
    public void send(String queue, Message message) throws BrokerException {
        Link c = commands.get();
        if (c == null || !c.isOpen()) {
            refused.increment();
            throw new BrokerException("queue " + queue + " is unavailable: the shared store (Redis) cannot be reached;"
                    + " message not accepted");
        }
        Long result;
        try {
            byte[] envelope = Envelope.encode(node, message);
            result = issuer.call(() -> c.async().<Long>eval(SEND, ScriptOutputType.INTEGER,
                    new byte[][] {stream(queue), queuesKey}, envelope, bytes(capacity), bytes(queuesMax), GROUP),
                    Duration.ofSeconds(5));
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            refused.increment();
            throw new BrokerException("queue " + queue + " is unavailable: the shared store (Redis) did not answer;"
                    + " message not accepted");
        }
        if (result == -1) {
            refused.increment();
            throw new BrokerException("queue " + queue + " is full: " + capacity
                    + " messages wait for a consumer that can take them; message not accepted");
        }
        if (result == -2) {
            refused.increment();
            throw new BrokerException("queue " + queue + " not made: there are " + queuesMax + " queues already");
        }
        sent.increment();
    }

    @Override
    public void consume(String queue, boolean on) {
        if (on) {
            consumed.add(queue);
            synchronized (this) {
                notifyAll();
            }
        } else {
            consumed.remove(queue);
            Link c = commands.get();
            if (c != null && c.isOpen()) {
                grouped.remove(queue);
                issuer.fire(() -> c.async().eval(FORGET, ScriptOutputType.INTEGER, new byte[][] {stream(queue), queuesKey}));
            }
        }
    }

    @Override
    public void consumed(Object ticket) {
        Ticket t = (Ticket) ticket;
        acknowledged.increment();
        Link c = commands.get();
        if (c == null || !c.isOpen() || !issuer.fire(() -> {
            c.async().xack(t.stream, GROUP, t.id);
            c.async().xdel(t.stream, t.id);
        })) {
            later(() -> consumed(ticket));
        }
    }

    /**
     * Keeps a settlement for when Redis is back (housekeeping passes it on); beyond the bound the
     * message stays pending for this node, to be claimed by another when this one stops.
     */
    private void later(Runnable settlement) {
        if (lateCount.incrementAndGet() <= LATE_MAX) {
            late.add(settlement);
        } else {
            lateCount.decrementAndGet();
        }
    }

    @Override
    public void giveBack(Object ticket, Message message) {
        Ticket t = (Ticket) ticket;
        Link c = commands.get();
        givenBack.increment();
        if (c == null || !c.isOpen()) {
            givenBack.decrement();
            later(() -> giveBack(ticket, message));
            return;
        }
        // added again before the original is acknowledged: a crash in between makes a duplicate, not a loss
        if (!issuer.fire(() -> {
            c.async().xadd(t.stream, FIELD_MESSAGE, Envelope.encode(node, message), FIELD_REDELIVERED, new byte[] {'1'});
            c.async().xack(t.stream, GROUP, t.id);
            c.async().xdel(t.stream, t.id);
        })) {
            givenBack.decrement();
            later(() -> giveBack(ticket, message));
        }
    }

    /**
     * Every 5 s, on the issuing thread: this node is alive, and the pending messages of nodes that
     * are not are claimed.
     *
     * @return why Redis did not do it (it did not answer), or null; also null when there is no
     *         connection to try (the relay knows that already)
     */
    String housekeeping() {
        Link c = commands.get();
        if (closed || c == null || !c.isOpen()) {
            return null;
        }
        for (int n = lateCount.get(); n > 0; n--) { // only those waiting now: one may come back if Redis goes again
            Runnable r = late.poll();
            if (r == null) {
                break;
            }
            lateCount.decrementAndGet();
            settledLate.increment();
            r.run();
        }
        try {
            c.sync().set(liveness(node), new byte[] {'1'}, SetArgs.Builder.px(LIVENESS.toMillis()));
            for (String queue : consumed) {
                claimFromTheDead(c, queue);
            }
        } catch (RedisException e) {
            LOG.log(Level.FINE, "queue housekeeping failed; trying again later", e);
            return "Redis did not answer (" + e.getClass().getSimpleName() + ")";
        }
        return null;
    }

    private void claimFromTheDead(Link c, String queue) {
        byte[] stream = stream(queue);
        PendingMessages pending;
        try {
            pending = c.sync().xpending(stream, GROUP);
        } catch (RedisException noGroup) {
            return; // no stream or group yet
        }
        for (Map.Entry<String, Long> consumer : pending.getConsumerMessageCount().entrySet()) {
            String other = consumer.getKey();
            if (other.equals(node) || consumer.getValue() == 0 || c.sync().exists(liveness(other)) > 0) {
                continue;
            }
            List<PendingMessage> theirs = c.sync().xpending(stream,
                    Consumer.from(GROUP, other.getBytes(StandardCharsets.UTF_8)), Range.create("-", "+"), Limit.from(100));
            if (theirs.isEmpty()) {
                continue;
            }
            List<StreamMessage<byte[], byte[]>> got = c.sync().xclaim(stream, Consumer.from(GROUP, nodeBytes),
                    XClaimArgs.Builder.minIdleTime(CLAIM_IDLE), theirs.stream().map(PendingMessage::getId).toArray(String[]::new));
            if (!got.isEmpty()) {
                LOG.info("took over " + got.size() + " unacknowledged messages of " + queue + " from node " + other
                        + ", which is gone");
            }
            for (StreamMessage<byte[], byte[]> m : got) {
                claimed.increment();
                hand(queue, m, true);
            }
            if (got.size() == theirs.size() && theirs.size() == consumer.getValue()) {
                c.sync().xgroupDelconsumer(stream, Consumer.from(GROUP, other.getBytes(StandardCharsets.UTF_8)));
            }
        }
    }

    private void readLoop() {
        long backoff = 100;
        while (!closed) {
            try {
                List<XReadArgs.StreamOffset<byte[]>> offsets = new ArrayList<>();
                int count = 0;
                for (String queue : consumed) {
                    int room = intake.room(queue);
                    if (room > 0) {
                        ensureGroup(queue);
                        offsets.add(XReadArgs.StreamOffset.lastConsumed(stream(queue)));
                        count = Math.max(count, Math.min(READ_MAX, room));
                    }
                }
                if (offsets.isEmpty() || !reads.isOpen()) {
                    synchronized (this) {
                        if (!closed) {
                            wait(200); // a new consumer wakes this at once; room coming back is seen within 200 ms
                        }
                    }
                    continue;
                }
                @SuppressWarnings("unchecked")
                List<StreamMessage<byte[], byte[]>> got = reads.sync().xreadgroup(Consumer.from(GROUP, nodeBytes),
                        XReadArgs.Builder.block(Duration.ofMillis(500)).count(count),
                        offsets.toArray(new XReadArgs.StreamOffset[0]));
                for (StreamMessage<byte[], byte[]> m : got) {
                    String queue = new String(m.getStream(), StandardCharsets.UTF_8).substring(prefix.length() + 2);
                    hand(queue, m, bodyHas(m, FIELD_REDELIVERED));
                }
                backoff = 100;
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                if (closed) {
                    return;
                }
                if (String.valueOf(e.getMessage()).contains("NOGROUP")) {
                    grouped.clear(); // a stream was dropped and made again: make its group again
                } else {
                    LOG.log(Level.FINE, "reading shared queues failed; trying again in " + backoff + " ms", e);
                }
                try {
                    synchronized (this) {
                        if (!closed) {
                            wait(backoff);
                        }
                    }
                } catch (InterruptedException stop) {
                    return;
                }
                backoff = Math.min(5000, backoff * 2);
            }
        }
    }

    /** Byte-array keys compare by identity: look for the field by content. */
    private static boolean bodyHas(StreamMessage<byte[], byte[]> m, byte[] field) {
        for (byte[] k : m.getBody().keySet()) {
            if (java.util.Arrays.equals(k, field)) {
                return true;
            }
        }
        return false;
    }

    private static byte[] body(StreamMessage<byte[], byte[]> m, byte[] field) {
        for (Map.Entry<byte[], byte[]> e : m.getBody().entrySet()) {
            if (java.util.Arrays.equals(e.getKey(), field)) {
                return e.getValue();
            }
        }
        return null;
    }

    private void hand(String queue, StreamMessage<byte[], byte[]> m, boolean redelivered) {
        Ticket ticket = new Ticket(m.getStream(), m.getId());
        byte[] envelope = body(m, FIELD_MESSAGE);
        Message message;
        try {
            message = Envelope.decode(envelope == null ? new byte[0] : envelope).message();
        } catch (IllegalArgumentException e) {
            LOG.warning("dropped an unreadable entry " + m.getId() + " of " + queue + ": " + e.getMessage());
            consumed(ticket);
            return;
        }
        taken.increment();
        if (!intake.take(queue, message, ticket, redelivered)) {
            giveBack(ticket, message);
        }
    }

    /** Makes the stream's group when this node has not seen it (the stream may not exist yet). */
    private void ensureGroup(String queue) {
        if (grouped.contains(queue)) {
            return;
        }
        try {
            reads.sync().xgroupCreate(XReadArgs.StreamOffset.from(stream(queue), "0"), GROUP,
                    XGroupCreateArgs.Builder.mkstream());
        } catch (RedisException e) {
            if (!String.valueOf(e.getMessage()).contains("BUSYGROUP")) {
                throw e;
            }
        }
        grouped.add(queue);
    }

    Map<String, Object> stats() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("sent", sent.sum());
        out.put("refused", refused.sum());
        out.put("taken", taken.sum());
        out.put("acknowledged", acknowledged.sum());
        out.put("givenBack", givenBack.sum());
        out.put("claimedFromGoneNodes", claimed.sum());
        out.put("settledLate", settledLate.sum());
        out.put("waitingForRedis", lateCount.get());
        return out;
    }

    /** Stops the reading thread (and waits for it, bounded). */
    void stopReading() {
        closed = true;
        synchronized (this) {
            notifyAll();
        }
        Thread r = reader;
        if (r != null) {
            try {
                r.join(2000); // its blocking read returns within 500 ms
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** On the issuing thread, last: this node is gone, others may claim at once what is still pending here. */
    void goodbye() {
        Link c = commands.get();
        if (c != null && c.isOpen()) {
            try {
                c.sync().del(liveness(node));
            } catch (RedisException e) {
                LOG.log(Level.FINE, "could not say goodbye to Redis", e);
            }
        }
    }

    private byte[] stream(String queue) {
        return (prefix + "q:" + queue).getBytes(StandardCharsets.UTF_8);
    }

    private byte[] liveness(String nodeId) {
        return (prefix + "node:" + nodeId).getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] bytes(int n) {
        return Integer.toString(n).getBytes(StandardCharsets.UTF_8);
    }
}
