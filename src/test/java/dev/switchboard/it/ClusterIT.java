package dev.switchboard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.runner.EmbeddedServer;
import dev.switchboard.stomp.StompCommand;
import dev.switchboard.stomp.StompFrame;
import dev.switchboard.testing.Await;
import dev.switchboard.testing.RedisProcess;
import dev.switchboard.testing.StompTestClient;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Two Switchboard nodes (the demo WAR in two embedded Tomcats) sharing a real, private
 * {@code redis-server} through the Redis relay: what is published on one node reaches the
 * subscribers of the other, once, in order; user destinations reach a user's sessions anywhere;
 * Redis going away degrades a node (local traffic goes on) until it is back.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterIT {

    private static final Path WAR = Path.of(System.getProperty("test.war", "target/test.war"));
    private static final Duration BOUND = Duration.ofSeconds(20);
    private static RedisProcess redis;
    private static EmbeddedServer a;
    private static EmbeddedServer b;

    @BeforeAll
    static void start() throws Exception {
        redis = RedisProcess.start(Path.of("target", "cluster-it", "redis"));
        a = node("a", redis.uri());
        b = node("b", redis.uri());
    }

    static EmbeddedServer node(String name, String relay) throws Exception {
        return EmbeddedServer.start(WAR, "127.0.0.1", 0, Path.of("target", "cluster-it", name),
                Map.of("switchboard.broker.relay", relay));
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {a, b, redis}) {
            if (c != null) {
                c.close();
            }
        }
    }

    static URI stomp(EmbeddedServer node) {
        return URI.create("ws://127.0.0.1:" + node.port() + "/stomp");
    }

    static void subscribe(StompTestClient client, String id, String destination) {
        client.send(StompFrame.of(StompCommand.SUBSCRIBE, "id", id, "destination", destination, "receipt", "r-" + id));
        assertEquals("r-" + id, client.expect(StompCommand.RECEIPT).header("receipt-id"));
    }

    static void send(StompTestClient client, String destination, String body, String... headers) {
        String[] all = new String[2 + headers.length];
        all[0] = "destination";
        all[1] = destination;
        System.arraycopy(headers, 0, all, 2, headers.length);
        client.send(StompFrame.of(StompCommand.SEND, all).withBody(body));
    }

    /** Waits until Redis says this many nodes listen to the destination. */
    static void listeners(String destination, int nodes) {
        Await.until(nodes + " node(s) listening to " + destination + " in Redis", BOUND,
                () -> redis.subscribers("switchboard:" + destination) == nodes);
    }

    static List<StompFrame> messages(StompTestClient client, int n) {
        List<StompFrame> got = new ArrayList<>();
        while (got.size() < n) {
            StompFrame f = client.expect(StompCommand.MESSAGE);
            got.add(f);
        }
        return got;
    }

    @Test
    @Order(1)
    void bothNodesAreUpWithTwoRedisConnectionsEach() throws Exception {
        for (EmbeddedServer node : List.of(a, b)) {
            var health = Http.get(node.uri().resolve("health"));
            assertEquals(200, health.statusCode());
            assertEquals("{\"status\":\"UP\"}", health.body());
        }
        assertEquals(4, redis.clients(), "two connections per node");
    }

    @Test
    @Order(2)
    void topicMessagesCrossNodesOnceInOrderWithTheirHeaders() throws Exception {
        try (StompTestClient onA = StompTestClient.connect(stomp(a));
             StompTestClient onB = StompTestClient.connect(stomp(b));
             StompTestClient publisherA = StompTestClient.connect(stomp(a));
             StompTestClient publisherB = StompTestClient.connect(stomp(b))) {
            subscribe(onA, "1", "/topic/cross");
            subscribe(onB, "1", "/topic/cross");
            listeners("/topic/cross", 2);
            int n = 300;
            for (int i = 0; i < n; i++) {
                send(publisherA, "/topic/cross", "a" + i, "content-type", "text/plain", "x-trace", "t" + i);
            }
            send(publisherA, "/topic/cross", "end");
            List<StompFrame> atA = messages(onA, n + 1);
            List<StompFrame> atB = messages(onB, n + 1);
            for (int i = 0; i < n; i++) {
                assertEquals("a" + i, atB.get(i).bodyText(), "node B gets node A's messages in order");
                assertEquals("a" + i, atA.get(i).bodyText());
                assertEquals(atA.get(i).header("message-id"), atB.get(i).header("message-id"), "one id everywhere");
                assertEquals("t" + i, atB.get(i).header("x-trace"));
                assertEquals("text/plain", atB.get(i).header("content-type"));
                assertEquals("/topic/cross", atB.get(i).header("destination"));
            }
            assertEquals("end", atB.get(n).bodyText(), "nothing twice");
            assertEquals("end", atA.get(n).bodyText(), "a node does not get its own message back from Redis");

            // and back the other way
            send(publisherB, "/topic/cross", "from b");
            assertEquals("from b", onA.expect(StompCommand.MESSAGE).bodyText());
            assertEquals("from b", onB.expect(StompCommand.MESSAGE).bodyText());
            send(publisherB, "/topic/cross", "end 2");
            assertEquals("end 2", onA.expect(StompCommand.MESSAGE).bodyText());
            assertEquals("end 2", onB.expect(StompCommand.MESSAGE).bodyText());
        }
        listeners("/topic/cross", 0);
    }

    @Test
    @Order(3)
    void patternAndExactSubscriptionsEachGetOneCopy() throws Exception {
        try (StompTestClient onB = StompTestClient.connect(stomp(b));
             StompTestClient publisher = StompTestClient.connect(stomp(a))) {
            long patternsBefore = redis.patterns();
            subscribe(onB, "pattern", "/topic/prices.*");
            subscribe(onB, "exact", "/topic/prices.eu");
            listeners("/topic/prices.eu", 1);
            Await.until("node B's pattern in Redis", BOUND, () -> redis.patterns() == patternsBefore + 1);
            send(publisher, "/topic/prices.eu.fr", "not for prices.*"); // Redis's glob matches; ours does not
            send(publisher, "/topic/prices.eu", "eu");
            send(publisher, "/topic/prices.us", "us");
            send(publisher, "/topic/prices.zz", "end");
            List<String> got = new ArrayList<>();
            for (StompFrame f : messages(onB, 4)) {
                got.add(f.header("subscription") + ":" + f.bodyText());
            }
            assertEquals(4, got.size());
            assertTrue(got.containsAll(List.of("pattern:eu", "exact:eu", "pattern:us")), got.toString());
            assertEquals("pattern:end", got.get(3), got.toString());
        }
        Await.until("the pattern left Redis with its last subscriber", BOUND, () -> redis.patterns() == 0);
    }

    @Test
    @Order(4)
    void userDestinationsReachTheUsersSessionsOnOtherNodes() throws Exception {
        try (StompTestClient user = StompTestClient.connect(stomp(b));
             StompTestClient sender = StompTestClient.connect(stomp(a))) {
            // an anonymous session's user name is its session id, which only its own client learns
            String name = user.connected().header("session");
            subscribe(user, "replies", "/user/queue/replies");
            listeners("/user/" + name + "/queue/replies", 1);
            send(sender, "/user/" + name + "/queue/replies", "for you");
            StompFrame got = user.expect(StompCommand.MESSAGE);
            assertEquals("for you", got.bodyText());
            assertEquals("/user/queue/replies", got.header("destination"));
        }
    }

    @Test
    @Order(5)
    void manySubscribersOnANodeAreOneRedisSubscription() throws Exception {
        List<StompTestClient> clients = new ArrayList<>();
        try {
            for (int i = 0; i < 40; i++) {
                StompTestClient c = StompTestClient.connect(stomp(i % 2 == 0 ? a : b));
                clients.add(c);
                subscribe(c, "s", "/topic/crowd");
            }
            listeners("/topic/crowd", 2);
            assertEquals(4, redis.clients(), "still two connections per node");
            try (StompTestClient publisher = StompTestClient.connect(stomp(b))) {
                send(publisher, "/topic/crowd", "to all");
                for (StompTestClient c : clients) {
                    assertEquals("to all", c.expect(StompCommand.MESSAGE).bodyText());
                }
            }
            for (StompTestClient c : clients.subList(0, 39)) {
                c.close();
            }
            listeners("/topic/crowd", 1);
        } finally {
            clients.forEach(StompTestClient::close);
        }
        listeners("/topic/crowd", 0);
    }

    @Test
    @Order(6)
    void withRedisGoneANodeIsDegradedServesItsOwnAndRecovers() throws Exception {
        try (StompTestClient onA = StompTestClient.connect(stomp(a));
             StompTestClient onB = StompTestClient.connect(stomp(b));
             StompTestClient publisher = StompTestClient.connect(stomp(a))) {
            subscribe(onA, "1", "/topic/weather");
            subscribe(onB, "1", "/topic/weather");
            listeners("/topic/weather", 2);
            redis.kill();
            Await.until("node A's /health says DEGRADED", BOUND,
                    () -> Http.get(a.uri().resolve("health")).body().contains("\"status\":\"DEGRADED\""));
            var health = Http.get(a.uri().resolve("health"));
            assertEquals(200, health.statusCode(), "a degraded node still takes connections");
            assertTrue(health.body().contains("\"reason\":\"relay: ") && !health.body().contains("127.0.0.1"),
                    health.body());
            long notRelayed = Stats.number(Http.get(a.uri().resolve("stats")).body(), "notRelayed");
            send(publisher, "/topic/weather", "local only");
            assertEquals("local only", onA.expect(StompCommand.MESSAGE).bodyText(), "local delivery goes on");
            Await.until("the message that could not cross is counted", BOUND,
                    () -> Stats.number(Http.get(a.uri().resolve("stats")).body(), "notRelayed") > notRelayed);
            assertNull(onB.poll(Duration.ofMillis(200)), "it could not reach node B");

            redis.restart();
            listeners("/topic/weather", 2); // both nodes reconnect and listen again by themselves
            Await.until("both nodes UP again", BOUND, () -> Http.get(a.uri().resolve("health")).body().contains("UP")
                    && Http.get(b.uri().resolve("health")).body().contains("UP"));
            send(publisher, "/topic/weather", "crossing again");
            assertEquals("crossing again", onB.expect(StompCommand.MESSAGE).bodyText());
            assertEquals("crossing again", onA.expect(StompCommand.MESSAGE).bodyText());
        }
    }

    @Test
    @Order(7)
    void aNodeStartsWithoutRedisAndJoinsWhenRedisComes() throws Exception {
        RedisProcess late = RedisProcess.onPort(RedisProcess.freePort(), Path.of("target", "cluster-it", "redis-late"));
        try (EmbeddedServer c = node("c", late.uri())) {
            var health = Http.get(c.uri().resolve("health"));
            assertEquals(200, health.statusCode());
            assertTrue(health.body().contains("\"status\":\"DEGRADED\""), health.body());
            try (StompTestClient local = StompTestClient.connect(stomp(c))) {
                subscribe(local, "1", "/topic/alone");
                send(local, "/topic/alone", "still served");
                assertEquals("still served", local.expect(StompCommand.MESSAGE).bodyText());
                late.restart();
                Await.until("node C connected to the Redis that came later", BOUND,
                        () -> Http.get(c.uri().resolve("health")).body().contains("\"status\":\"UP\""));
                Await.until("node C listens to its destination", BOUND,
                        () -> late.subscribers("switchboard:/topic/alone") == 1);
            }
        } finally {
            late.close();
        }
    }
}
