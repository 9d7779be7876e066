package dev.switchboard.runner;

import com.sun.tools.attach.VirtualMachine;
import java.io.File;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * Server memory per idle WebSocket: starts the WAR in its own JVM (the runner), opens N idle
 * connections to /echo, and reads the server's heap after a full GC (through JMX, attached) and
 * its RSS, before and after. Run once per container buffer size to show what eager per-session
 * buffers cost: the shipped 1 KiB, 8 KiB, and 64 KiB (what a container limit of 64 KiB would mean).
 *
 * <p>{@code mvn -q package -DskipTests exec:exec -Dswitchboard.main=dev.switchboard.runner.IdleMemoryBenchmark -Dswitchboard.main.args="--connections 3000"}
 */
public final class IdleMemoryBenchmark {

    private IdleMemoryBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path war = null;
        int connections = 3000;
        boolean floor = false;
        for (int i = 0; i < args.length; i += 2) {
            switch (args[i]) {
                case "--war" -> war = Path.of(args[i + 1]);
                case "--connections" -> connections = Integer.parseInt(args[i + 1]);
                case "--floor" -> floor = Boolean.parseBoolean(args[i + 1]);
                default -> { }
            }
        }
        if (floor) {
            System.out.printf("Idle WebSockets in the same embedded Tomcat (shipped settings): %d connections each; "
                    + "server JVM -Xms1g -Xmx1g -XX:+AlwaysPreTouch (G1)%n", connections);
            System.out.printf("%-44s %14s %14s %14s%n", "endpoint", "heap/conn (B)", "RSS/conn (B)", "heap base (MB)");
            measure(bareWar(), "1KiB", connections, "/bare", false, "floor: a bare @ServerEndpoint");
            measure(war, "1KiB", connections, "/echo", false, "Switchboard /echo");
            measure(war, "1KiB", connections, "/stomp", true, "Switchboard STOMP, CONNECTed + SUBSCRIBEd");
            return;
        }
        System.out.printf("Idle /echo WebSockets: %d connections; server JVM -Xms1g -Xmx1g -XX:+AlwaysPreTouch (G1)%n",
                connections);
        System.out.printf("%-28s %14s %14s %14s%n", "container buffers", "heap/conn (B)", "RSS/conn (B)", "heap base (MB)");
        for (String buffer : new String[] {"1KiB", "8KiB", "64KiB"}) {
            measure(war, buffer, connections, "/echo", false, buffer + (buffer.equals("1KiB") ? " (shipped)" : ""));
        }
    }

    /** A WAR holding {@link BareEndpoint} alone, made here from its compiled class. */
    public static Path bareWar() throws Exception {
        return bareWar(BareEndpoint.class);
    }

    /** A WAR holding {@code endpoint} alone (a class of the runner), with Switchboard's WebSocket buffer sizes. */
    public static Path bareWar(Class<?> endpoint) throws Exception {
        Path war = Path.of("target", endpoint.getSimpleName() + ".war");
        String entry = endpoint.getName().replace('.', '/') + ".class";
        try (java.util.zip.ZipOutputStream zip = new java.util.zip.ZipOutputStream(Files.newOutputStream(war));
             java.io.InputStream clazz = IdleMemoryBenchmark.class.getClassLoader().getResourceAsStream(entry)) {
            zip.putNextEntry(new java.util.zip.ZipEntry("WEB-INF/web.xml"));
            zip.write(("<web-app xmlns=\"https://jakarta.ee/xml/ns/jakartaee\" version=\"6.1\">"
                    + "<absolute-ordering/>"
                    // Tomcat's WebSocket buffers at Switchboard's shipped size (websocket.buffer.size), as Tomcat reads them
                    + "<context-param><param-name>org.apache.tomcat.websocket.textBufferSize</param-name><param-value>1024</param-value></context-param>"
                    + "<context-param><param-name>org.apache.tomcat.websocket.binaryBufferSize</param-name><param-value>1024</param-value></context-param>"
                    + "</web-app>").getBytes(java.nio.charset.StandardCharsets.UTF_8));
            zip.putNextEntry(new java.util.zip.ZipEntry("WEB-INF/classes/" + entry));
            clazz.transferTo(zip);
        }
        return war;
    }

    private static void measure(Path war, String buffer, int connections, String path, boolean stomp, String label)
            throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(java, "-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch",
                "-Djava.util.logging.config.file=" + Path.of("src/test/resources/logging.properties").toAbsolutePath(),
                "-cp", System.getProperty("java.class.path"), EmbeddedServer.class.getName(),
                "--war", war.toString(), "--port", String.valueOf(port),
                "--base", "target/idle-benchmark-" + buffer + path.replace('/', '-'));
        builder.environment().put("SWITCHBOARD_WEBSOCKET_BUFFER_SIZE", buffer);
        builder.environment().put("SWITCHBOARD_IDLE_TIMEOUT", "0");
        // every connection comes from 127.0.0.1, as fast as the client opens them
        builder.environment().put("SWITCHBOARD_HANDSHAKE_RATE", "0");
        builder.environment().put("SWITCHBOARD_CONNECTIONS_MAX", "200000");
        builder.environment().put("SWITCHBOARD_CONNECTIONS_PER_ADDRESS_MAX", "200000");
        builder.redirectErrorStream(true).redirectOutput(new File("target/idle-benchmark-" + buffer + ".log"));
        Process server = builder.start();
        List<WebSocket> sockets = new ArrayList<>();
        HttpClient client = HttpClient.newHttpClient();
        try {
            URI echo = URI.create("ws://127.0.0.1:" + port + path);
            java.util.concurrent.CountDownLatch connected = new java.util.concurrent.CountDownLatch(stomp ? connections : 0);
            WebSocket.Listener listener = new WebSocket.Listener() {
                @Override
                public java.util.concurrent.CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
                    if (data.toString().startsWith("CONNECTED")) {
                        connected.countDown();
                    }
                    socket.request(1);
                    return null;
                }
            };
            awaitUp(echo, client);
            try (JMXConnector jmx = attach(server.pid())) {
                MemoryMXBean memory = ManagementFactory.newPlatformMXBeanProxy(jmx.getMBeanServerConnection(),
                        ManagementFactory.MEMORY_MXBEAN_NAME, MemoryMXBean.class);
                long heapBefore = heapAfterGc(memory);
                long rssBefore = rss(server.pid());
                for (int i = 0; i < connections; i += 100) {
                    List<CompletableFuture<WebSocket>> batch = new ArrayList<>();
                    for (int j = i; j < Math.min(connections, i + 100); j++) {
                        WebSocket.Builder b = client.newWebSocketBuilder();
                        if (stomp) {
                            b.subprotocols("v12.stomp");
                        }
                        batch.add(b.buildAsync(echo, listener));
                    }
                    for (CompletableFuture<WebSocket> f : batch) {
                        WebSocket socket = f.get(30, TimeUnit.SECONDS);
                        sockets.add(socket);
                        if (stomp) {
                            socket.sendText("CONNECT\naccept-version:1.2\nheart-beat:0,0\n\n\0", true).get(30, TimeUnit.SECONDS);
                            socket.sendText("SUBSCRIBE\nid:0\ndestination:/user/queue/idle\n\n\0", true).get(30, TimeUnit.SECONDS);
                        }
                    }
                }
                if (!connected.await(120, TimeUnit.SECONDS)) {
                    throw new IllegalStateException(connected.getCount() + " STOMP sessions not CONNECTED");
                }
                Thread.sleep(2000);
                long heapAfter = heapAfterGc(memory);
                long rssAfter = rss(server.pid());
                System.out.printf("%-44s %14d %14d %14d%n", label,
                        (heapAfter - heapBefore) / connections, (rssAfter - rssBefore) / connections,
                        heapBefore / (1024 * 1024));
            }
        } finally {
            for (WebSocket socket : sockets) {
                socket.abort();
            }
            server.destroy();
            server.waitFor(30, TimeUnit.SECONDS);
        }
    }

    private static void awaitUp(URI echo, HttpClient client) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try {
                client.newWebSocketBuilder().buildAsync(echo, new WebSocket.Listener() { }).get(5, TimeUnit.SECONDS).abort();
                return;
            } catch (Exception notYet) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("server did not come up; see target/idle-benchmark-*.log", notYet);
                }
                Thread.sleep(200);
            }
        }
    }

    private static JMXConnector attach(long pid) throws Exception {
        VirtualMachine vm = VirtualMachine.attach(String.valueOf(pid));
        try {
            return JMXConnectorFactory.connect(new JMXServiceURL(vm.startLocalManagementAgent()));
        } finally {
            vm.detach();
        }
    }

    private static long heapAfterGc(MemoryMXBean memory) throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            memory.gc();
            Thread.sleep(300);
        }
        return memory.getHeapMemoryUsage().getUsed();
    }

    private static long rss(long pid) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new IllegalStateException("no VmRSS for " + pid);
    }
}
