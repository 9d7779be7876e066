package dev.switchboard.it;

import static dev.switchboard.it.ClusterIT.messages;
import static dev.switchboard.it.ClusterIT.send;
import static dev.switchboard.it.ClusterIT.stomp;
import static dev.switchboard.it.ClusterIT.subscribe;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.runner.EmbeddedServer;
import dev.switchboard.stomp.StompCommand;
import dev.switchboard.stomp.StompFrame;
import dev.switchboard.testing.Await;
import dev.switchboard.testing.RedisCluster;
import dev.switchboard.testing.RedisProcess;
import dev.switchboard.testing.StompTestClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Two Switchboard nodes sharing a real Redis Cluster (three masters, each with a replica, all
 * private {@code redis-server}s) through {@code broker.relay=redis-cluster://...}: topics, user
 * destinations, queues and chat rooms act as one broker, as with a single Redis; the relay's
 * connections do not grow with sessions; and when the master holding the relay's keys is killed,
 * its replica takes over and the nodes carry on.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RedisClusterIT {

    private static final Path WAR = Path.of(System.getProperty("test.war", "target/test.war"));
    private static final Duration BOUND = Duration.ofSeconds(20);
    /** Every key of the default namespace hashes to this tag's slot. */
    private static final String TAG = "{switchboard}";
    private static RedisCluster redis;
    private static EmbeddedServer a;
    private static EmbeddedServer b;

    @BeforeAll
    static void start() throws Exception {
        Path dir = Path.of("target", "redis-cluster-it");
        EmbeddedServer.deleteTree(dir.toAbsolutePath());
        redis = RedisCluster.start(dir.resolve("redis"), 3);
        a = node(dir, "a");
        b = node(dir, "b");
    }

    private static EmbeddedServer node(Path dir, String name) throws Exception {
        return EmbeddedServer.start(WAR, "127.0.0.1", 0, dir.resolve(name), Map.of("switchboard.broker.relay", redis.uri()));
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {a, b, redis}) {
            if (c != null) {
                c.close();
            }
        }
    }

    private static void listeners(String destination, int nodes) {
        Await.until(nodes + " node(s) listening to " + destination + " in the cluster", BOUND,
                () -> redis.subscribers("switchboard:" + destination) == nodes);
    }

    @Test
    @Order(1)
    void bothNodesAreUpAndTheirRedisConnectionsDoNotGrowWithSessions() throws Exception {
        for (EmbeddedServer node : List.of(a, b)) {
            assertEquals("{\"status\":\"UP\"}", Http.get(node.uri().resolve("health")).body());
            assertEquals(3, Stats.number(Http.get(node.uri().resolve("stats")).body(), "redisConnections"));
        }
        List<StompTestClient> clients = new ArrayList<>();
        try {
            // the first sessions on a topic and a queue make each relay connection reach the nodes it needs
            for (int i = 0; i < 2; i++) {
                StompTestClient c = StompTestClient.connect(stomp(i % 2 == 0 ? a : b));
                clients.add(c);
                subscribe(c, "t", "/topic/first");
                subscribe(c, "q", "/queue/first." + i);
                send(c, "/queue/first." + i, "warm");
            }
            listeners("/topic/first", 2);
            for (StompTestClient c : clients) {
                c.expect(StompCommand.MESSAGE);
            }
            // counted: the clients' connections that stay, not their topology reads (every 30 s, a connection to
            // each Redis node for a moment) nor the Redis nodes' replication links (a replica may set its up again
            // seconds after the cluster formed); and once the count has settled
            long before = settledLastingClients();
            for (int i = 0; i < 40; i++) {
                StompTestClient c = StompTestClient.connect(stomp(i % 2 == 0 ? a : b));
                clients.add(c);
                subscribe(c, "t", "/topic/crowd." + i);
                subscribe(c, "q", "/queue/crowd." + (i % 4));
            }
            listeners("/topic/crowd.39", 1);
            try {
                Await.until("as many Redis connections as before 40 sessions on 40 topics and 4 queues ("
                        + before + ")", Duration.ofSeconds(10), () -> redis.lastingClients() == before);
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "; now " + redis.lastingClients() + ":\n"
                        + String.join("\n", redis.lastingClientList()), e);
            }
        } finally {
            clients.forEach(StompTestClient::close);
        }
    }

    @Test
    @Order(2)
    void topicMessagesCrossNodesOnceInOrder() throws Exception {
        try (StompTestClient onA = StompTestClient.connect(stomp(a));
             StompTestClient onB = StompTestClient.connect(stomp(b));
             StompTestClient pattern = StompTestClient.connect(stomp(b));
             StompTestClient publisher = StompTestClient.connect(stomp(a))) {
            subscribe(onA, "1", "/topic/cross");
            subscribe(onB, "1", "/topic/cross");
            subscribe(pattern, "p", "/topic/cr*");
            listeners("/topic/cross", 2);
            int n = 200;
            for (int i = 0; i < n; i++) {
                send(publisher, "/topic/cross", "a" + i, "x-trace", "t" + i);
            }
            send(publisher, "/topic/cross", "end");
            List<StompFrame> atA = messages(onA, n + 1);
            List<StompFrame> atB = messages(onB, n + 1);
            List<StompFrame> byPattern = messages(pattern, n + 1);
            for (int i = 0; i < n; i++) {
                assertEquals("a" + i, atB.get(i).bodyText(), "node B gets node A's messages in order");
                assertEquals("a" + i, byPattern.get(i).bodyText(), "and so does its pattern subscriber");
                assertEquals(atA.get(i).header("message-id"), atB.get(i).header("message-id"));
                assertEquals("t" + i, atB.get(i).header("x-trace"));
            }
            assertEquals("end", atB.get(n).bodyText(), "nothing twice");
            assertNull(onB.poll(Duration.ofMillis(200)), "nothing twice");
            send(onB, "/topic/cross", "from b");
            assertEquals("from b", onA.expect(StompCommand.MESSAGE).bodyText(), "and back the other way");
        }
    }

    @Test
    @Order(3)
    void userDestinationsReachTheUsersSessionsOnOtherNodes() throws Exception {
        try (StompTestClient user = StompTestClient.connect(stomp(b));
             StompTestClient sender = StompTestClient.connect(stomp(a))) {
            String name = user.connected().header("session");
            subscribe(user, "replies", "/user/queue/replies");
            listeners("/user/" + name + "/queue/replies", 1);
            send(sender, "/user/" + name + "/queue/replies", "for you");
            assertEquals("for you", user.expect(StompCommand.MESSAGE).bodyText());
        }
    }

    @Test
    @Order(4)
    void queueMessagesGoToOneConsumerClusterWideAndAbandonedOnesToAnotherNode() throws Exception {
        ClusterIT.eachMessageToOneConsumer(a, b, "/queue/work", 100);
        String stream = TAG + ":q:/queue/abandoned"; // in the tag's slot, on the master that holds it
        ClusterIT.abandonedGoesToTheOtherNode(a, b, "/queue/abandoned", () -> redis.masterOf(stream).query(c -> c.xlen(stream)));
    }

    @Test
    @Order(5)
    void aChatRoomsPresenceAndHistoryAreTheSameOnEveryNode() throws Exception {
        String room = "cluster-room";
        try (StompTestClient carol = StompTestClient.connect(stomp(a));
             StompTestClient dave = StompTestClient.connect(stomp(b))) {
            ClusterIT.join(carol, room, "carol");
            listeners("/topic/chat." + room, 1);
            carol.send(StompFrame.of(StompCommand.SEND, "destination", "/app/chat/" + room, "content-type",
                    "application/json").withBody("{\"type\":\"TALK\",\"text\":\"said on node A\"}"));
            assertTrue(ClusterIT.chat(carol, "TALK").contains("said on node A"));
            List<String> daveJoined = ClusterIT.join(dave, room, "dave");
            String welcome = ClusterIT.of(daveJoined, "SYSTEM");
            assertTrue(welcome.contains("\"members\":[\"carol\",\"dave\"]"), welcome);
            assertTrue(daveJoined.stream().anyMatch(m -> m.contains("said on node A") && m.contains("\"history\":true")),
                    "node B replays what was said on node A: " + daveJoined);
            String enter = ClusterIT.chat(carol, "ENTER");
            assertTrue(enter.contains("\"sender\":\"dave\"") && enter.contains("\"members\":[\"carol\",\"dave\"]"), enter);
        }
    }

    @Test
    @Order(9)
    void whenTheMasterHoldingTheKeysDiesItsReplicaTakesOverAndTheNodesCarryOn() throws Exception {
        RedisProcess master = redis.masterOf(TAG);
        master.kill();
        Await.until("a replica took over and the cluster is OK again", Duration.ofSeconds(60),
                () -> redis.ok() && redis.masterOf(TAG) != null && redis.masterOf(TAG) != master);
        // a queue SEND is answered with a receipt (stored on the new master) once Lettuce has followed
        try (StompTestClient consumer = StompTestClient.connect(stomp(b))) {
            subscribe(consumer, "q", "/queue/after-failover");
            Await.until("a SEND to a queue through node A is stored again", Duration.ofSeconds(60), () -> {
                try (StompTestClient sender = StompTestClient.connect(stomp(a))) {
                    sender.send(StompFrame.of(StompCommand.SEND, "destination", "/queue/after-failover",
                            "receipt", "stored").withBody("after failover"));
                    return sender.next().command() == StompCommand.RECEIPT;
                }
            });
            assertEquals("after failover", consumer.expect(StompCommand.MESSAGE).bodyText(),
                    "and reaches node B's consumer");
        }
        try (StompTestClient onB = StompTestClient.connect(stomp(b));
             StompTestClient publisher = StompTestClient.connect(stomp(a))) {
            subscribe(onB, "1", "/topic/after-failover");
            Await.until("topics cross nodes again", Duration.ofSeconds(60), () -> {
                send(publisher, "/topic/after-failover", "crossed");
                return onB.poll(Duration.ofMillis(500)) != null;
            });
        }
        for (EmbeddedServer node : List.of(a, b)) {
            Await.until("/health is UP again", BOUND,
                    () -> Http.get(node.uri().resolve("health")).body().equals("{\"status\":\"UP\"}"));
        }
    }

    @Test
    @Order(10)
    void withTheWholeClusterGoneTheNodesAreDegradedServeTheirOwnAndRecover() throws Exception {
        try (StompTestClient onA = StompTestClient.connect(stomp(a));
             StompTestClient onB = StompTestClient.connect(stomp(b));
             StompTestClient publisher = StompTestClient.connect(stomp(a))) {
            subscribe(onA, "1", "/topic/outage");
            subscribe(onB, "1", "/topic/outage");
            listeners("/topic/outage", 2);
            redis.killAll();
            for (EmbeddedServer node : List.of(a, b)) {
                Await.until("/health says DEGRADED", BOUND,
                        () -> Http.get(node.uri().resolve("health")).body().contains("\"status\":\"DEGRADED\""));
            }
            send(publisher, "/topic/outage", "local only");
            assertEquals("local only", onA.expect(StompCommand.MESSAGE).bodyText(), "local delivery goes on");

            redis.restartAll();
            for (EmbeddedServer node : List.of(a, b)) {
                Await.until("/health is UP again", Duration.ofSeconds(40),
                        () -> Http.get(node.uri().resolve("health")).body().equals("{\"status\":\"UP\"}"));
            }
            listeners("/topic/outage", 2);
            Await.until("topics cross nodes again", BOUND, () -> {
                send(publisher, "/topic/outage", "crossed");
                StompFrame f = onB.poll(Duration.ofMillis(500));
                return f != null && f.bodyText().equals("crossed");
            });
        }
        try (StompTestClient consumer = StompTestClient.connect(stomp(b));
             StompTestClient sender = StompTestClient.connect(stomp(a))) {
            subscribe(consumer, "q", "/queue/after-outage");
            sender.send(StompFrame.of(StompCommand.SEND, "destination", "/queue/after-outage", "receipt", "stored")
                    .withBody("stored again"));
            assertEquals(StompCommand.RECEIPT, sender.next().command(), "queues are stored again");
            assertEquals("stored again", consumer.expect(StompCommand.MESSAGE).bodyText());
        }
    }

    /** Redis connections that stay, once unchanged for a second (at most 15 s). */
    private long settledLastingClients() throws Exception {
        long[] last = {redis.lastingClients()};
        long[] since = {System.nanoTime()};
        Await.until("the Redis connections settling", Duration.ofSeconds(15), () -> {
            long now = redis.lastingClients();
            if (now != last[0]) {
                last[0] = now;
                since[0] = System.nanoTime();
            }
            return System.nanoTime() - since[0] > TimeUnit.SECONDS.toNanos(1);
        });
        return last[0];
    }
}
