package dev.switchboard.broker.redis;

import dev.switchboard.broker.Message;
import dev.switchboard.broker.Relay;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import io.lettuce.core.resource.DefaultClientResources;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The Redis relay: Redis pub/sub and streams through Lettuce, on a single Redis (or Sentinel's
 * master) or a Redis Cluster ({@link Target}), three connections per node whatever its number of
 * sessions (one publishes and runs commands, one subscribes, one reads the shared queues, {@link
 * RedisQueues}; with a cluster, each of them reaches the Redis nodes it needs). A destination this
 * node has subscribers for is a Redis channel {@code <namespace>:<routing key>} it subscribes to;
 * a pattern subscription is a Redis pattern ({@link
 * dev.switchboard.broker.DestinationPattern#glob()}), matched again exactly here. A message published on this node is delivered here at once and published to its channel;
 * each node skips its own (the envelope names the node).
 *
 * <p>Faults: when Redis cannot be reached at startup the node starts anyway and tries again with
 * backoff; when the connection drops Lettuce reconnects with backoff and this relay subscribes
 * again to everything it listens to. Meanwhile local delivery goes on, {@link #health()} says why
 * messages do not cross, and what could not be published is dropped and counted, never buffered.
 *
 * <p>Threads: Lettuce's I/O threads (two, named {@code switchboard-redis-*}) run the pub/sub
 * listener, which delivers to local subscribers (queueing, never blocking). Every call into
 * Lettuce is made on the relay's {@link Issuer} thread, never on a container thread: publishers
 * hand a message over and go on (a full hand-over queue drops and counts it).
 *
 * <p>Over 450 lines: it owns the client and its three connections, and connecting, reconnecting,
 * listening and publishing all read and change that one connection state; the queues
 * ({@link RedisQueues}), shared state ({@link RedisState}) and what differs between a single
 * Redis and a cluster ({@link Target}) are apart already.
 */
public final class RedisRelay implements Relay {

    private static final Logger LOG = Logger.getLogger(RedisRelay.class.getName());
    private static final Duration RETRY_FIRST = Duration.ofMillis(250);
    private static final Duration RETRY_MAX = Duration.ofSeconds(10);

    private final Target target;
    private final String prefix;
    private final byte[] prefixBytes;
    private final String node;
    private final ScheduledExecutorService timer;
    private final Issuer issuer = new Issuer();
    private final ClientResources resources;
    private final AbstractRedisClient client;
    private final Set<String> channels = ConcurrentHashMap.newKeySet();
    private final Set<String> globs = ConcurrentHashMap.newKeySet();

    private volatile Receiver receiver;
    private volatile dev.switchboard.broker.SharedQueues.Intake intake;
    private final RedisQueues queues;
    private final RedisState state;
    private volatile Link commands;
    private volatile Link reads;
    private volatile StatefulRedisPubSubConnection<byte[], byte[]> pubsub;
    private volatile String problem = "not started";
    /** Why the last liveness write (every 5 s) failed while connected, or null: a cluster's node may be gone. */
    private volatile String unanswered;
    private volatile boolean closed;
    private long retryMillis = RETRY_FIRST.toMillis();

    private final LongAdder published = new LongAdder();
    private final LongAdder notRelayed = new LongAdder();
    private final LongAdder received = new LongAdder();
    private final LongAdder malformed = new LongAdder();
    private final LongAdder reconnects = new LongAdder();

    /**
     * @param uri       {@code redis://[password@]host:port[/database]}, {@code rediss://...}, or a
     *                  {@code redis-sentinel://} URI, as Lettuce reads them, or a cluster's
     *                  {@code redis-cluster://host:port[,host:port...]} ({@link Target})
     * @param namespace prefixed to every channel and key, so that several clusters can share one Redis
     * @param timer     where connection attempts and the shared queues' housekeeping are scheduled
     * @param queueCapacity most messages one shared queue holds
     * @param queuesMax  most shared queues at once
     * @throws IllegalArgumentException for a URI Lettuce cannot read
     */
    public RedisRelay(String uri, String namespace, ScheduledExecutorService timer, int queueCapacity, int queuesMax) {
        this.target = Target.parse(uri);
        this.prefix = namespace + ":";
        this.prefixBytes = prefix.getBytes(StandardCharsets.UTF_8);
        this.node = nodeId();
        this.timer = timer;
        String keys = target.keyPrefix(namespace);
        this.queues = new RedisQueues(keys, node, queueCapacity, queuesMax, () -> commands, issuer);
        this.state = new RedisState(keys, node, () -> commands, issuer);
        try {
            // made on the issuing thread, like every other call into Lettuce
            this.resources = issuer.run(() -> DefaultClientResources.builder()
                    .ioThreadPoolSize(2)
                    .computationThreadPoolSize(1)
                    .threadFactoryProvider(RedisRelay::threads)
                    .reconnectDelay(Delay.exponential(RETRY_FIRST, RETRY_MAX, 2, TimeUnit.MILLISECONDS))
                    .build(), Duration.ofSeconds(30));
            this.client = issuer.run(() -> target.client(resources), Duration.ofSeconds(30));
        } catch (Exception e) {
            issuer.close();
            throw new IllegalStateException("the Redis client did not start: " + e, e);
        }
        client.addListener(new RedisConnectionStateListener() {
            @Override
            public void onRedisConnected(RedisChannelHandler<?, ?> connection, SocketAddress address) {
                if (connection == pubsub) {
                    reconnects.increment();
                    LOG.info("Redis relay reconnected; listening again to " + channels.size() + " destinations and "
                            + globs.size() + " patterns");
                    resubscribe();
                }
                updateProblem();
            }

            @Override
            public void onRedisDisconnected(RedisChannelHandler<?, ?> connection) {
                if (!closed && (connection == pubsub || is(commands, connection) || is(reads, connection))) {
                    LOG.warning("Redis relay lost its connection to Redis; messages do not cross nodes until it is back");
                    problem = "Redis connection lost; reconnecting";
                }
            }
        });
    }

    @Override
    public void start(Receiver receiver) {
        start(receiver, null);
    }

    @Override
    public void start(Receiver receiver, dev.switchboard.broker.SharedQueues.Intake intake) {
        this.receiver = receiver;
        this.intake = intake;
        try {
            issuer.run(() -> {
                connect();
                return null;
            }, Duration.ofSeconds(30));
        } catch (Exception e) {
            LOG.log(Level.WARNING, "Redis relay: the first connection attempt did not finish", e);
        }
        timer.scheduleWithFixedDelay(() -> issuer.fire(() -> unanswered = queues.housekeeping()), 0, 5, TimeUnit.SECONDS);
    }

    @Override
    public dev.switchboard.broker.SharedQueues queues() {
        return queues;
    }

    @Override
    public dev.switchboard.broker.SharedState state() {
        return state;
    }

    /** One attempt to open both connections; on failure another is scheduled, later each time. */
    private void connect() {
        if (closed) {
            return;
        }
        Link c = null;
        Link r = null;
        try {
            c = Target.connect(client);
            r = Target.connect(client);
            StatefulRedisPubSubConnection<byte[], byte[]> p = Target.connectPubSub(client);
            p.addListener(new Listener());
            commands = c;
            reads = r;
            pubsub = p;
            resubscribe();
            problem = null;
            if (intake != null) {
                queues.start(intake, r);
            }
            LOG.info("Redis relay connected as node " + node + " (3 connections, namespace " + prefix + ")");
        } catch (RuntimeException e) {
            if (c != null) {
                c.closeAsync();
            }
            if (r != null) {
                r.closeAsync();
            }
            problem = "cannot reach Redis: " + rootMessage(e);
            long wait = retryMillis;
            retryMillis = Math.min(RETRY_MAX.toMillis(), retryMillis * 2);
            LOG.warning("Redis relay: " + problem + " (" + e.getMessage() + "); this node serves its own sessions"
                    + " and tries again in " + wait + " ms");
            try {
                timer.schedule(() -> issuer.fire(this::connect), wait, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException stopping) {
                LOG.fine("not retrying: the deployment is stopping");
            }
        }
    }

    private void resubscribe() {
        StatefulRedisPubSubConnection<byte[], byte[]> p = pubsub;
        if (p == null) {
            return;
        }
        if (!channels.isEmpty()) {
            p.async().subscribe(channels.stream().map(this::channel).toArray(byte[][]::new));
        }
        if (!globs.isEmpty()) {
            p.async().psubscribe(globs.stream().map(this::channel).toArray(byte[][]::new));
        }
    }

    private void updateProblem() {
        Link c = commands;
        StatefulRedisPubSubConnection<byte[], byte[]> p = pubsub;
        Link r = reads;
        if (c != null && p != null && r != null && c.isOpen() && p.isOpen() && r.isOpen()) {
            problem = null;
        }
    }

    @Override
    public void publish(String routingKey, Message message) {
        Link c = commands;
        if (c == null || !c.isOpen()) {
            notRelayed.increment();
            return;
        }
        // held until Redis answers: a Redis that stops answering keeps the connection and every command
        // sent to it (with its message) until the command times out; the issuer's bound keeps that off the heap
        if (issuer.issue(message.footprint(), () -> c.async().publish(channel(routingKey), Envelope.encode(node, message)),
                notRelayed::increment)) {
            published.increment();
        } else {
            notRelayed.increment(); // Redis is slower than this node's publishers: dropped, not piled up
        }
    }

    @Override
    public void listen(String routingKey, boolean on) {
        listen(channels, routingKey, on, false);
    }

    @Override
    public void listenPattern(String glob, boolean on) {
        listen(globs, glob, on, true);
    }

    /**
     * Notes the change and, when connected, hands the (P)SUBSCRIBE or (P)UNSUBSCRIBE over; if it
     * cannot be sent now, the next (re)connect subscribes to what is listened to then.
     */
    private void listen(Set<String> names, String name, boolean on, boolean pattern) {
        if (!(on ? names.add(name) : names.remove(name))) {
            return;
        }
        StatefulRedisPubSubConnection<byte[], byte[]> p = pubsub;
        if (p != null && p.isOpen()) {
            byte[] channel = channel(name);
            issuer.fire(() -> {
                if (pattern) {
                    if (on) {
                        p.async().psubscribe(channel);
                    } else {
                        p.async().punsubscribe(channel);
                    }
                } else if (on) {
                    p.async().subscribe(channel);
                } else {
                    p.async().unsubscribe(channel);
                }
            });
        }
    }

    @Override
    public Health health() {
        String p = problem != null ? problem : unanswered;
        return p == null ? Health.OK : new Health(false, "relay: " + p);
    }

    @Override
    public Map<String, Object> stats() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("kind", "redis");
        out.put("node", node);
        out.put("connected", problem == null);
        String p = problem != null ? problem : unanswered;
        if (p != null) {
            out.put("problem", p);
        }
        out.put("redisConnections", (commands != null && commands.isOpen() ? 1 : 0) + (pubsub != null && pubsub.isOpen() ? 1 : 0)
                + (reads != null && reads.isOpen() ? 1 : 0));
        out.put("published", published.sum());
        out.put("notRelayed", notRelayed.sum());
        out.put("received", received.sum());
        out.put("malformed", malformed.sum());
        out.put("reconnects", reconnects.sum());
        out.put("waitingToIssue", issuer.waiting());
        out.put("messageBytesHeld", issuer.heldBytes());
        out.put("queues", queues.stats());
        out.put("sharedStateFailures", state.failures());
        return out;
    }

    @Override
    public void close() {
        closed = true;
        problem = "closed";
        queues.stopReading();
        try {
            issuer.run(() -> {
                shutdown();
                return null;
            }, Duration.ofSeconds(15));
        } catch (Exception e) {
            LOG.log(Level.WARNING, "the Redis relay did not stop cleanly", e);
        }
        issuer.close();
    }

    /** On the issuing thread: goodbye to Redis, connections closed, Lettuce's threads stopped. */
    private void shutdown() {
        queues.goodbye();
        StatefulRedisPubSubConnection<byte[], byte[]> p = pubsub;
        Link c = commands;
        Link r = reads;
        if (p != null) {
            p.close();
        }
        if (r != null) {
            r.close();
        }
        if (c != null) {
            c.close();
        }
        client.shutdown(0, 2, TimeUnit.SECONDS);
        try {
            resources.shutdown(0, 2, TimeUnit.SECONDS).get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.log(Level.FINE, "Lettuce's threads did not stop in time", e);
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Where, without the password. */
    @Override
    public String toString() {
        return "redis " + target + " (namespace " + prefix.substring(0, prefix.length() - 1) + ", node " + node + ")";
    }

    private static boolean is(Link link, Object handler) {
        return link != null && link.is(handler);
    }

    private byte[] channel(String name) {
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        byte[] c = new byte[prefixBytes.length + n.length];
        System.arraycopy(prefixBytes, 0, c, 0, prefixBytes.length);
        System.arraycopy(n, 0, c, prefixBytes.length, n.length);
        return c;
    }

    private String unprefixed(byte[] channel) {
        String name = new String(channel, StandardCharsets.UTF_8);
        return name.startsWith(prefix) ? name.substring(prefix.length()) : null;
    }

    /** Hears Redis pub/sub on Lettuce's I/O thread. */
    private final class Listener extends RedisPubSubAdapter<byte[], byte[]> {
        @Override
        public void message(byte[] channel, byte[] message) {
            Envelope.Received in = open(message);
            String key = unprefixed(channel);
            if (in != null && key != null) {
                receiver.received(key, in.message());
            }
        }

        @Override
        public void message(byte[] pattern, byte[] channel, byte[] message) {
            Envelope.Received in = open(message);
            String glob = unprefixed(pattern);
            if (in != null && glob != null) {
                receiver.receivedForPattern(glob, in.message());
            }
        }

        /** The message, or null when it is this node's own or unreadable. */
        private Envelope.Received open(byte[] message) {
            try {
                Envelope.Received in = Envelope.decode(message);
                if (in.origin().equals(node)) {
                    return null;
                }
                received.increment();
                return in;
            } catch (IllegalArgumentException e) {
                malformed.increment();
                LOG.log(Level.FINE, "dropped an unreadable message from Redis", e);
                return null;
            }
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        // the reason without the address: /health is public
        String name = root.getClass().getSimpleName();
        return name.endsWith("ConnectException") ? "connection refused" : name;
    }

    private static String nodeId() {
        byte[] random = new byte[9];
        new SecureRandom().nextBytes(random);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    }

    private static ThreadFactory threads(String pool) {
        AtomicInteger n = new AtomicInteger();
        return task -> {
            Thread t = new Thread(task, "switchboard-redis-" + pool + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
