package dev.switchboard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.catalina.Context;
import org.apache.catalina.core.StandardHost;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The demo WAR (with the Redis relay on) reloaded twenty times in a row in one running Tomcat,
 * each time used (STOMP, a queue, SockJS, chat) before the next: afterwards Switchboard's threads
 * are those of one deployment, and Tomcat's own leak check (what the Manager's {@code findleaks}
 * runs) finds no stopped deployment whose class loader is still held.
 */
class RedeployIT {

    private static final Path WAR = Path.of(System.getProperty("test.war", "target/test.war"));
    private static RedisProcess redis;
    private static EmbeddedServer server;

    @BeforeAll
    static void start() throws Exception {
        redis = RedisProcess.start(Path.of("target", "redeploy-it", "redis"));
        server = EmbeddedServer.start(WAR, "127.0.0.1", 0, Path.of("target", "redeploy-it", "tomcat"),
                Map.of("switchboard.broker.relay", redis.uri(),
                        // the SockJS session each round leaves open would hold every stop for the default 5 s
                        "switchboard.drain.timeout", "1s"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    @Test
    void twentyRedeploysLeaveNoThreadOrClassLoaderBehind() throws Exception {
        use();
        List<String> first = switchboardThreads();
        Context context = server.context();
        for (int i = 0; i < 20; i++) {
            context.reload(); // stop (drain, undeploy) and start again with a new class loader
            Await.until("redeploy " + (i + 1) + " serves", Duration.ofSeconds(30),
                    () -> Http.get(server.uri().resolve("health")).body().contains("\"UP\""));
            use();
        }
        // spare writers started under load end after a second idle: wait for them, not for a fixed time
        Await.until("Switchboard's threads back to one deployment's: " + first + ", now " + switchboardThreads(),
                Duration.ofSeconds(15), () -> switchboardThreads().size() <= first.size());
        StandardHost host = (StandardHost) context.getParent();
        // findReloadedContextMemoryLeaks runs the GC itself, as the Manager's findleaks does; a
        // deployment's last threads may take a moment to end after its stop
        ClassLoader live = context.getLoader().getClassLoader();
        Await.until("no thread holding a stopped deployment's class loader; now: " + holders(live), Duration.ofSeconds(30),
                () -> holders(live).isEmpty());
        Await.until("no stopped deployment still held (Tomcat's findleaks)", Duration.ofSeconds(30),
                () -> host.findReloadedContextMemoryLeaks().length == 0);
        assertEquals(3, redis.clients(), "one deployment's three Redis"
                + " connections; its relay: " + Http.get(server.uri().resolve("stats")).body().replaceAll(".*\"relay\":", ""));
    }

    /** A STOMP round trip through the broker and a queue, a SockJS session, a chat join. */
    private static void use() throws Exception {
        URI stomp = URI.create("ws://127.0.0.1:" + server.port() + "/stomp");
        try (StompTestClient c = StompTestClient.connect(stomp)) {
            c.send(StompFrame.of(StompCommand.SUBSCRIBE, "id", "t", "destination", "/topic/redeploy", "receipt", "r1"));
            c.expect(StompCommand.RECEIPT);
            c.send(StompFrame.of(StompCommand.SUBSCRIBE, "id", "q", "destination", "/queue/redeploy", "receipt", "r2"));
            c.expect(StompCommand.RECEIPT);
            c.send(StompFrame.of(StompCommand.SUBSCRIBE, "id", "chat", "destination", "/topic/chat.redeploy",
                    "nickname", "rita", "receipt", "r3"));
            StompFrame f;
            do {
                f = c.next();
            } while (f.command() != StompCommand.RECEIPT);
            c.send(StompFrame.of(StompCommand.SEND, "destination", "/queue/redeploy").withBody("job"));
            Await.until("the queue message", Duration.ofSeconds(10), () -> {
                StompFrame m = c.poll(Duration.ofMillis(100));
                return m != null && "job".equals(m.bodyText());
            });
        }
        try (SockJsXhrClient sockjs = SockJsXhrClient.open(server.uri().resolve("sockjs/stomp/"))) {
            sockjs.send("CONNECT\naccept-version:1.2\nheart-beat:0,0\n\n\0");
            assertTrue(sockjs.nextFrame().startsWith("CONNECTED\n"));
        }
    }

    /**
     * Threads whose context class loader, or whose own class, is a deployment's other than the live
     * one: while they run they keep that deployment's classes.
     */
    private static List<String> holders(ClassLoader live) {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive)
                .filter(t -> stopped(t.getContextClassLoader(), live) || stopped(t.getClass().getClassLoader(), live))
                .map(Thread::getName).sorted().collect(Collectors.toList());
    }

    private static boolean stopped(ClassLoader loader, ClassLoader live) {
        return loader instanceof org.apache.catalina.loader.WebappClassLoaderBase && loader != live;
    }

    /** The names of Switchboard's live threads (and Lettuce's, named by the relay), sorted. */
    private static List<String> switchboardThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(name -> name.startsWith("switchboard")).sorted().collect(Collectors.toList());
    }
}
