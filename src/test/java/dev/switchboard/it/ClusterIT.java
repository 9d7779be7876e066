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
        // the inbound byte rates raised so that one test can publish 24 MB at once (the relay's bound is the point)
        return EmbeddedServer.start(WAR, "127.0.0.1", 0, Path.of("target", "cluster-it", name),
                Map.of("switchboard.broker.relay", relay, "switchboard.inbound.bytes.rate", "256MiB/s,256MiB",
                        "switchboard.inbound.bytes.rate.address", "256MiB/s,256MiB"));
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
    void bothNodesAreUpWithThreeRedisConnectionsEach() throws Exception {
        for (EmbeddedServer node : List.of(a, b)) {
            var health = Http.get(node.uri().resolve("health"));
            assertEquals(200, health.statusCode());
            assertEquals("{\"status\":\"UP\"}", health.body());
        }
        assertEquals(6, redis.clients(), "three connections per node");
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
            assertEquals(6, redis.clients(), "still three connections per node");
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
    @Order(5)
    void eachQueueMessageGoesToOneConsumerClusterWide() throws Exception {
        eachMessageToOneConsumer(a, b, "/queue/work", 200);
    }

    /**
     * {@code n} SENDs with receipts on node A to a queue with a consumer on each node: each
     * message reaches exactly one of them, and both nodes' consumers get some.
     */
    static void eachMessageToOneConsumer(EmbeddedServer a, EmbeddedServer b, String queue, int n) throws Exception {
        try (StompTestClient onA = StompTestClient.connect(stomp(a));
             StompTestClient onB = StompTestClient.connect(stomp(b));
             StompTestClient sender = StompTestClient.connect(stomp(a))) {
            subscribe(onA, "q", queue);
            subscribe(onB, "q", queue);
            for (int i = 0; i < n; i++) {
                sender.send(StompFrame.of(StompCommand.SEND, "destination", queue, "receipt", "s" + i)
                        .withBody("job " + i));
                assertEquals("s" + i, sender.expect(StompCommand.RECEIPT).header("receipt-id"), "stored, then receipted");
            }
            java.util.Set<String> seen = new java.util.HashSet<>();
            int fromA = 0;
            while (seen.size() < n) {
                StompFrame f = onA.poll(Duration.ofMillis(20));
                if (f != null) {
                    fromA++;
                } else {
                    f = onB.poll(Duration.ofMillis(20));
                }
                if (f != null) {
                    assertTrue(seen.add(f.bodyText()), "delivered twice: " + f.bodyText());
                }
            }
            assertNull(onA.poll(Duration.ofMillis(300)), "nothing more");
            assertNull(onB.poll(Duration.ofMillis(10)), "nothing more");
            assertTrue(fromA > 0 && fromA < n, "both nodes' consumers had some: " + fromA + " on A of " + n);
        }
    }

    @Test
    @Order(5)
    void aMessageItsConsumerAbandonsGoesToAConsumerOnAnotherNode() throws Exception {
        abandonedGoesToTheOtherNode(a, b, "/queue/abandoned",
                () -> redis.query(c -> c.xlen("switchboard:q:/queue/abandoned")));
    }

    /**
     * A message its consumer on node A leaves unacknowledged (it disconnects) reaches node B's
     * consumer marked redelivered, with the same message-id; once acknowledged, {@code stored}
     * (the queue's length in Redis) comes to 0.
     */
    static void abandonedGoesToTheOtherNode(EmbeddedServer a, EmbeddedServer b, String queue,
                                            java.util.concurrent.Callable<Long> stored) throws Exception {
        try (StompTestClient sender = StompTestClient.connect(stomp(a));
             StompTestClient onB = StompTestClient.connect(stomp(b))) {
            StompTestClient onA = StompTestClient.connect(stomp(a));
            onA.send(StompFrame.of(StompCommand.SUBSCRIBE, "id", "q", "destination", queue,
                    "ack", "client-individual", "receipt", "r"));
            onA.expect(StompCommand.RECEIPT);
            sender.send(StompFrame.of(StompCommand.SEND, "destination", queue).withBody("take care of it"));
            StompFrame first = onA.expect(StompCommand.MESSAGE);
            assertNull(first.header("redelivered"));
            assertEquals(Long.valueOf(1), stored.call(), "stored until acknowledged");
            onB.send(StompFrame.of(StompCommand.SUBSCRIBE, "id", "q", "destination", queue,
                    "ack", "client-individual", "receipt", "r"));
            onB.expect(StompCommand.RECEIPT);
            onA.close(); // never acknowledged
            StompFrame again = onB.expect(StompCommand.MESSAGE);
            assertEquals("take care of it", again.bodyText());
            assertEquals("true", again.header("redelivered"));
            assertEquals(first.header("message-id"), again.header("message-id"));
            onB.send(StompFrame.of(StompCommand.ACK, "id", again.header("ack"), "receipt", "acked"));
            onB.expect(StompCommand.RECEIPT);
            Await.until("acknowledged in Redis: nothing left", BOUND, () -> stored.call() == 0);
        }
    }

    @Test
    @Order(5)
    void aKilledNodesUnacknowledgedMessagesGoToAnotherNode() throws Exception {
        Path dir = Path.of("target", "cluster-it", "killed").toAbsolutePath();
        EmbeddedServer.deleteTree(dir);
        java.nio.file.Files.createDirectories(dir);
        int port = RedisProcess.freePort();
        Process doomed = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", withoutRelayLibraries(System.getProperty("java.class.path")),
                "-Dswitchboard.broker.relay=" + redis.uri(),
                "dev.switchboard.runner.EmbeddedServer", "--war", WAR.toAbsolutePath().toString(), "--port",
                String.valueOf(port), "--base", dir.resolve("tomcat").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("node.log").toFile()).start();
        try {
            URI doomedHealth = URI.create("http://127.0.0.1:" + port + "/health");
            Await.until("the node in its own JVM is up", Duration.ofSeconds(60), () -> {
                try {
                    return Http.get(doomedHealth).body().contains("\"UP\"");
                } catch (java.io.IOException e) {
                    return false;
                }
            });
            try (StompTestClient onDoomed = StompTestClient.connect(URI.create("ws://127.0.0.1:" + port + "/stomp"));
                 StompTestClient sender = StompTestClient.connect(stomp(a));
                 StompTestClient onB = StompTestClient.connect(stomp(b))) {
                onDoomed.send(StompFrame.of(StompCommand.SUBSCRIBE, "id", "q", "destination", "/queue/crash",
                        "ack", "client", "receipt", "r"));
                onDoomed.expect(StompCommand.RECEIPT);
                for (int i = 0; i < 3; i++) {
                    sender.send(StompFrame.of(StompCommand.SEND, "destination", "/queue/crash", "receipt", "s" + i)
                            .withBody("in flight " + i));
                    sender.expect(StompCommand.RECEIPT);
                }
                for (int i = 0; i < 3; i++) {
                    assertEquals("in flight " + i, onDoomed.expect(StompCommand.MESSAGE).bodyText());
                }
                onB.send(StompFrame.of(StompCommand.SUBSCRIBE, "id", "q", "destination", "/queue/crash",
                        "ack", "client-individual", "receipt", "r"));
                onB.expect(StompCommand.RECEIPT);
                doomed.destroyForcibly().waitFor(); // SIGKILL: no goodbye, its messages stay pending in Redis
                java.util.Set<String> got = new java.util.TreeSet<>();
                long deadline = System.nanoTime() + Duration.ofSeconds(45).toNanos();
                while (got.size() < 3 && System.nanoTime() < deadline) {
                    StompFrame f = onB.poll(Duration.ofSeconds(1));
                    if (f != null) {
                        assertEquals("true", f.header("redelivered"), f.bodyText());
                        got.add(f.bodyText());
                    }
                }
                assertEquals(java.util.Set.of("in flight 0", "in flight 1", "in flight 2"), got,
                        "the killed node's unacknowledged messages reached node B's consumer");
            }
        } finally {
            doomed.destroyForcibly().waitFor();
        }
    }

    @Test
    @Order(5)
    void aChatRoomsPresenceAndHistoryAreTheSameOnEveryNode() throws Exception {
        String room = "cluster-room";
        try (StompTestClient carol = StompTestClient.connect(stomp(a));
             StompTestClient dave = StompTestClient.connect(stomp(b))) {
            List<String> carolJoined = join(carol, room, "carol");
            assertTrue(of(carolJoined, "SYSTEM").contains("\"members\":[\"carol\"]"), carolJoined.toString());
            assertTrue(of(carolJoined, "ENTER").contains("\"sender\":\"carol\""), carolJoined.toString());
            listeners("/topic/chat." + room, 1);
            carol.send(StompFrame.of(StompCommand.SEND, "destination", "/app/chat/" + room, "content-type",
                    "application/json").withBody("{\"type\":\"TALK\",\"text\":\"said on node A\"}"));
            assertTrue(chat(carol, "TALK").contains("said on node A"));

            // dave joins on node B: node A's history, and both members
            List<String> daveJoined = join(dave, room, "dave");
            String welcome = of(daveJoined, "SYSTEM");
            assertTrue(welcome.contains("\"type\":\"SYSTEM\"") && welcome.contains("\"members\":[\"carol\",\"dave\"]"), welcome);
            assertTrue(daveJoined.stream().anyMatch(m -> m.contains("said on node A") && m.contains("\"history\":true")),
                    "node B replays what was said on node A: " + daveJoined);
            String enter = chat(carol, "ENTER");
            assertTrue(enter.contains("\"sender\":\"dave\"") && enter.contains("\"members\":[\"carol\",\"dave\"]"), enter);

            dave.send(StompFrame.of(StompCommand.UNSUBSCRIBE, "id", "room"));
            String leave = chat(carol, "LEAVE");
            assertTrue(leave.contains("\"sender\":\"dave\"") && leave.contains("\"members\":[\"carol\"]"), leave);
        }
    }

    /** Subscribes to the room with a nickname; returns the bodies that came before the receipt (history, welcome). */
    static List<String> join(StompTestClient client, String room, String nickname) {
        client.send(StompFrame.of(StompCommand.SUBSCRIBE, "id", "room", "destination", "/topic/chat." + room,
                "nickname", nickname, "receipt", "joined"));
        List<String> bodies = new ArrayList<>();
        for (StompFrame f = client.next(); f.command() != StompCommand.RECEIPT; f = client.next()) {
            bodies.add(f.bodyText());
        }
        return bodies;
    }

    /** The one message of this type among {@code bodies}. */
    static String of(List<String> bodies, String type) {
        List<String> found = bodies.stream().filter(b -> b.contains("\"type\":\"" + type + "\"")
                && !b.contains("\"history\":true")).toList();
        assertEquals(1, found.size(), type + " in " + bodies);
        return found.get(0);
    }

    /** The next chat message of this type (others skipped). */
    static String chat(StompTestClient client, String type) {
        while (true) {
            String body = client.expect(StompCommand.MESSAGE).bodyText();
            if (body.contains("\"type\":\"" + type + "\"")) {
                return body;
            }
        }
    }

    /**
     * The test classpath holds Lettuce (the library's optional dependency); a node started from it
     * would find Lettuce there even if the WAR lacked it. Without it, the node must use the WAR's.
     */
    private static String withoutRelayLibraries(String classpath) {
        return java.util.Arrays.stream(classpath.split(java.io.File.pathSeparator))
                .filter(entry -> !entry.matches(".*/(io/lettuce|io/netty|io/projectreactor|org/reactivestreams)/.*"))
                .collect(java.util.stream.Collectors.joining(java.io.File.pathSeparator));
    }

    @Test
    @Order(6)
    void aRedisThatStopsAnsweringCostsANodeAtMostItsBoundAndThenCatchesUp() throws Exception {
        String body = "x".repeat(60_000);
        try (StompTestClient onA = StompTestClient.connect(stomp(a));
             StompTestClient onB = StompTestClient.connect(stomp(b));
             StompTestClient p1 = StompTestClient.connect(stomp(a));
             StompTestClient p2 = StompTestClient.connect(stomp(a))) {
            subscribe(onA, "1", "/topic/paused");
            subscribe(onB, "1", "/topic/paused");
            listeners("/topic/paused", 2);
            long notRelayed = Stats.number(Http.get(a.uri().resolve("stats")).body(), "notRelayed");
            redis.pause(); // connections stay open, nothing is answered
            long held = 0;
            try {
                int n = 400; // 24 MB of bodies, more than the 16 MiB the relay may hold for Redis
                for (int i = 0; i < n; i += 2) {
                    send(p1, "/topic/paused", body);
                    send(p2, "/topic/paused", body);
                    // local delivery goes on (and read as it comes, so that this subscriber is not cut as too slow)
                    assertEquals(60_000, onA.expect(StompCommand.MESSAGE).body().length);
                    assertEquals(60_000, onA.expect(StompCommand.MESSAGE).body().length);
                    if (i % 50 == 0) {
                        held = Math.max(held, Stats.number(Http.get(a.uri().resolve("stats")).body(), "messageBytesHeld"));
                    }
                }
                held = Math.max(held, Stats.number(Http.get(a.uri().resolve("stats")).body(), "messageBytesHeld"));
                assertTrue(held > 8L << 20 && held <= 16L << 20, "held for Redis: " + held + " bytes, bound 16 MiB");
                assertTrue(Stats.number(Http.get(a.uri().resolve("stats")).body(), "notRelayed") > notRelayed + 100,
                        "what did not fit was dropped and counted");
            } finally {
                redis.resume();
            }
            Await.until("Redis answered what it held", BOUND,
                    () -> Stats.number(Http.get(a.uri().resolve("stats")).body(), "messageBytesHeld") == 0);
            // node B's subscriber got what Redis held all at once (8 MB: it may have been cut as too slow); a new one
            try (StompTestClient later = StompTestClient.connect(stomp(b))) {
                subscribe(later, "1", "/topic/after-pause");
                listeners("/topic/after-pause", 1);
                send(p1, "/topic/after-pause", "after");
                assertEquals("after", later.expect(StompCommand.MESSAGE).bodyText(), "node B hears node A again");
            }
        }
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

    @Test
    @Order(8)
    void aHundredRedisRestartsLeaveNoThreadOrConnectionBehind() throws Exception {
        Await.until("both nodes UP", BOUND, () -> Http.get(a.uri().resolve("health")).body().contains("\"UP\"")
                && Http.get(b.uri().resolve("health")).body().contains("\"UP\""));
        int threadsBefore = Thread.activeCount();
        long redisThreadsBefore = redisThreads();
        for (int i = 0; i < 100; i++) {
            redis.kill();
            redis.restart();
            Await.until("both nodes reconnected after restart " + (i + 1), BOUND, () -> redis.clients() == 6
                    && !Http.get(a.uri().resolve("health")).body().contains("DEGRADED")
                    && !Http.get(b.uri().resolve("health")).body().contains("DEGRADED"));
        }
        assertEquals(redisThreadsBefore, redisThreads(), "the relays' threads");
        assertTrue(Thread.activeCount() <= threadsBefore + 4, "threads: " + threadsBefore + " before, "
                + Thread.activeCount() + " after");
        try (StompTestClient onB = StompTestClient.connect(stomp(b));
             StompTestClient publisher = StompTestClient.connect(stomp(a))) {
            subscribe(onB, "1", "/topic/after-restarts");
            listeners("/topic/after-restarts", 1);
            send(publisher, "/topic/after-restarts", "still one broker");
            assertEquals("still one broker", onB.expect(StompCommand.MESSAGE).bodyText());
        }
        assertTrue(Stats.number(Http.get(a.uri().resolve("stats")).body(), "reconnects") >= 100);
    }

    private static long redisThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("switchboard-redis")).count();
    }
}
