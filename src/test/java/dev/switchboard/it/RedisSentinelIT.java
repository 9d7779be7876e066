package dev.switchboard.it;

import static dev.switchboard.it.ClusterIT.send;
import static dev.switchboard.it.ClusterIT.stomp;
import static dev.switchboard.it.ClusterIT.subscribe;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.switchboard.runner.EmbeddedServer;
import dev.switchboard.stomp.StompCommand;
import dev.switchboard.stomp.StompFrame;
import dev.switchboard.testing.Await;
import dev.switchboard.testing.RedisSentinels;
import dev.switchboard.testing.StompTestClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Two Switchboard nodes whose relay finds Redis through Sentinel ({@code redis-sentinel://}, three
 * real sentinels watching a real master and its replica): they act as one broker, and when the
 * master is killed and the sentinels promote the replica, the relay follows and they carry on.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RedisSentinelIT {

    private static final Path WAR = Path.of(System.getProperty("test.war", "target/test.war"));
    private static final Duration BOUND = Duration.ofSeconds(20);
    private static RedisSentinels redis;
    private static EmbeddedServer a;
    private static EmbeddedServer b;

    @BeforeAll
    static void start() throws Exception {
        Path dir = Path.of("target", "redis-sentinel-it");
        EmbeddedServer.deleteTree(dir.toAbsolutePath());
        redis = RedisSentinels.start(dir.resolve("redis"));
        a = EmbeddedServer.start(WAR, "127.0.0.1", 0, dir.resolve("a"), Map.of("switchboard.broker.relay", redis.uri()));
        b = EmbeddedServer.start(WAR, "127.0.0.1", 0, dir.resolve("b"), Map.of("switchboard.broker.relay", redis.uri()));
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {a, b, redis}) {
            if (c != null) {
                c.close();
            }
        }
    }

    @Test
    @Order(1)
    void theNodesFindTheMasterThroughTheSentinelsAndActAsOneBroker() throws Exception {
        for (EmbeddedServer node : List.of(a, b)) {
            assertEquals("{\"status\":\"UP\"}", Http.get(node.uri().resolve("health")).body());
        }
        assertEquals(6, RedisSentinels.applicationClients(redis.master()), "three connections per node, all to the master");
        crossesBothWays("/topic/before-failover");
        queueCrosses("/queue/before-failover");
    }

    @Test
    @Order(2)
    void whenTheMasterDiesTheSentinelsPromoteTheReplicaAndTheRelayFollows() throws Exception {
        int old = redis.masterPort();
        redis.master().kill();
        Await.until("the sentinels promoted the replica", Duration.ofSeconds(60),
                () -> redis.masterPort() == redis.replica().port());
        assertNotEquals(old, redis.masterPort());
        for (EmbeddedServer node : List.of(a, b)) {
            Await.until("/health is UP on the new master", Duration.ofSeconds(40),
                    () -> Http.get(node.uri().resolve("health")).body().equals("{\"status\":\"UP\"}"));
        }
        Await.until("both nodes' three connections on the new master", BOUND,
                () -> RedisSentinels.applicationClients(redis.replica()) == 6);
        crossesBothWays("/topic/after-failover");
        queueCrosses("/queue/after-failover");
    }

    /** A subscriber on each node hears what the other node's publisher sends. */
    private static void crossesBothWays(String topic) throws Exception {
        try (StompTestClient onA = StompTestClient.connect(stomp(a));
             StompTestClient onB = StompTestClient.connect(stomp(b))) {
            subscribe(onA, "1", topic);
            subscribe(onB, "1", topic);
            // pub/sub is at-most-once: the other node's subscription may still be on its way to Redis
            Await.until(topic + " crosses from A to B", BOUND, () -> {
                send(onA, topic, "from a");
                onA.expect(StompCommand.MESSAGE);
                StompFrame f = onB.poll(Duration.ofMillis(300));
                return f != null && f.bodyText().equals("from a");
            });
            send(onB, topic, "from b");
            assertEquals("from b", onA.expect(StompCommand.MESSAGE).bodyText());
        }
    }

    /** A SEND with a receipt on node A reaches the consumer on node B. */
    private static void queueCrosses(String queue) throws Exception {
        try (StompTestClient consumer = StompTestClient.connect(stomp(b));
             StompTestClient sender = StompTestClient.connect(stomp(a))) {
            subscribe(consumer, "q", queue);
            sender.send(StompFrame.of(StompCommand.SEND, "destination", queue, "receipt", "stored").withBody("kept"));
            assertEquals("stored", sender.expect(StompCommand.RECEIPT).header("receipt-id"));
            assertEquals("kept", consumer.expect(StompCommand.MESSAGE).bodyText());
        }
    }
}
