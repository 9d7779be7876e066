package dev.switchboard.runner.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.runner.EmbeddedServer;
import dev.switchboard.testing.Await;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Five thousand STOMP connections to one node (the demo WAR, default limits), from fifty loopback
 * addresses: each CONNECTed and subscribed to its own {@code /user/} queue and to one of 100
 * topics; one message to each topic reaches every connection once, user messages reach their
 * user; the server's threads do not grow from 1,000 connections to 5,000; and once every client
 * has gone, no connection, subscription or destination is left.
 */
class ConnectionRampIT {

    private static final int CONNECTIONS = 5000;
    private static final int TOPICS = 100;
    private static final int ADDRESSES = 50;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void fiveThousandConnectionsEachGetTheirMessagesAndLeaveNothingBehind() throws Exception {
        Path war = Path.of(System.getProperty("test.war", "target/test.war"));
        try (EmbeddedServer server = EmbeddedServer.start(war, "127.0.0.1", 0, Path.of("target", "ramp-it"));
             ClientLoop loop = new ClientLoop("ramp-client", 2)) {
            InetSocketAddress address = new InetSocketAddress("127.0.0.1", server.port());
            AtomicInteger ready = new AtomicInteger();
            AtomicInteger closed = new AtomicInteger();
            AtomicIntegerArray topicMessages = new AtomicIntegerArray(CONNECTIONS + 1);
            AtomicIntegerArray userMessages = new AtomicIntegerArray(CONNECTIONS + 1);
            ConcurrentHashMap<Integer, String> sessions = new ConcurrentHashMap<>();
            ClientLoop.Listener listener = new ClientLoop.Listener() {
                @Override
                public void opened(ClientLoop.Conn conn) {
                    conn.sendText(StompLoad.CONNECT);
                }

                @Override
                public void frame(ClientLoop.Conn conn, String command, byte[] frame, int bodyStart, int end) {
                    String text = new String(frame, 0, end, StandardCharsets.UTF_8);
                    switch (command) {
                        case "CONNECTED" -> {
                            Matcher m = Pattern.compile("\nsession:([^\n]+)\n").matcher(text);
                            sessions.put(conn.id, m.find() ? m.group(1) : "?");
                            conn.sendText(StompLoad.frame("SUBSCRIBE\nid:u\ndestination:/user/queue/inbox\n\n\0"));
                            conn.sendText(StompLoad.frame("SUBSCRIBE\nid:t\ndestination:/topic/ramp." + (conn.id % TOPICS)
                                    + "\nreceipt:subscribed\n\n\0"));
                        }
                        case "RECEIPT" -> ready.incrementAndGet();
                        case "MESSAGE" -> (text.contains("\nsubscription:u\n") ? userMessages : topicMessages)
                                .incrementAndGet(conn.id);
                        default -> { }
                    }
                }

                @Override
                public void closed(ClientLoop.Conn conn, String why) {
                    closed.incrementAndGet();
                }
            };
            List<ClientLoop.Conn> conns = new ArrayList<>();
            int threadsAt1000 = 0;
            while (conns.size() < CONNECTIONS) {
                InetAddress from = InetAddress.getByName("127.0.0." + (2 + conns.size() % ADDRESSES));
                conns.add(loop.connect(address, "/stomp", listener, ClientLoop.Mode.WEBSOCKET, from));
                Await.until("fewer than 200 handshakes in flight", Duration.ofSeconds(30),
                        () -> conns.size() - ready.get() - closed.get() < 200);
                if (conns.size() == 1000) {
                    Await.until("1,000 ready", Duration.ofSeconds(60), () -> ready.get() + closed.get() >= 1000);
                    threadsAt1000 = Thread.activeCount();
                }
            }
            Await.until(CONNECTIONS + " connections subscribed", Duration.ofSeconds(120),
                    () -> ready.get() + closed.get() >= CONNECTIONS);
            assertEquals(0, closed.get(), "no connection refused or closed");
            int threadsAt5000 = Thread.activeCount();
            assertTrue(threadsAt5000 - threadsAt1000 <= 16, "threads do not grow with connections: " + threadsAt1000
                    + " at 1,000, " + threadsAt5000 + " at 5,000");
            assertEquals(CONNECTIONS, number(stats(server), "open"));

            ClientLoop.Conn publisher = conns.get(0); // publishes as well as listens
            for (int t = 0; t < TOPICS; t++) {
                publisher.sendText(StompLoad.frame("SEND\ndestination:/topic/ramp." + t + "\n\nto topic " + t + "\0"));
            }
            for (int i = 0; i < CONNECTIONS; i += 50) { // a user message to every fiftieth connection
                publisher.sendText(StompLoad.frame("SEND\ndestination:/user/" + sessions.get(i) + "/queue/inbox\n\nfor you\0"));
            }
            Await.until("every connection got its topic's message", Duration.ofSeconds(60), () -> {
                for (int i = 0; i < CONNECTIONS; i++) {
                    if (topicMessages.get(i) < 1) {
                        return false;
                    }
                }
                return true;
            });
            Await.until("every user got its message", Duration.ofSeconds(30), () -> {
                for (int i = 0; i < CONNECTIONS; i += 50) {
                    if (userMessages.get(i) < 1) {
                        return false;
                    }
                }
                return true;
            });
            for (int i = 0; i < CONNECTIONS; i++) {
                assertEquals(1, topicMessages.get(i), "connection " + i + ": one message, once");
                assertEquals(i % 50 == 0 ? 1 : 0, userMessages.get(i), "connection " + i + "'s user messages");
            }

            conns.forEach(ClientLoop.Conn::close);
            Await.until("no connection, subscription or destination left", Duration.ofSeconds(60), () -> {
                String stats = stats(server);
                return number(stats, "open") == 0 && number(stats, "subscriptions") == 0
                        && number(stats, "topicDestinations") == 0;
            });
        }
    }

    /**
     * The benchmark command's own ramp, small: the floor and Switchboard each in a server JVM of
     * their own; every connection ready and given its message, threads bounded by the request pool's
     * maximum, and a STOMP session within 1.5x of the floor's heap.
     */
    @Test
    void theRampBenchmarkMeasuresSwitchboardBesideTheFloor() throws Exception {
        List<ConnectionRampBenchmark.Figures> figures = ConnectionRampBenchmark.run(
                Path.of(System.getProperty("test.war", "target/switchboard.war")), 2000, 20, 100, true, "512m");
        ConnectionRampBenchmark.Figures floor = figures.get(0);
        ConnectionRampBenchmark.Figures stomp = figures.get(1);
        assertEquals(2000, floor.reached(), floor.toString());
        assertEquals(2000, stomp.reached(), stomp.toString());
        assertEquals(0, stomp.missed(), stomp.delivered());
        // the request pool may still be growing towards its maximum (200) at a tenth of the ramp: the bound is the pool's
        assertTrue(stomp.threadsAll() <= stomp.threads0() + 200 + 16, "threads bounded by the request pool, not by connections: "
                + stomp);
        assertTrue(floor.heapPerConn() > 10_000 && stomp.heapPerConn() <= 1.5 * floor.heapPerConn(),
                "heap per connection: floor " + floor.heapPerConn() + " B, STOMP " + stomp.heapPerConn() + " B");
    }

    private static String stats(EmbeddedServer server) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(server.uri() + "stats")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private static long number(String json, String name) {
        Matcher m = Pattern.compile("\"" + Pattern.quote(name) + "\":(\\d+)").matcher(json);
        if (!m.find()) {
            throw new AssertionError("no " + name + " in " + json);
        }
        return Long.parseLong(m.group(1));
    }
}
