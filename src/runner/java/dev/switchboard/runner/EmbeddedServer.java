package dev.switchboard.runner;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.logging.LogManager;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.apache.catalina.Container;
import org.apache.catalina.Context;
import org.apache.catalina.Host;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.HostConfig;
import org.apache.catalina.startup.Tomcat;
import org.apache.juli.ClassLoaderLogManager;

/**
 * Runs the Switchboard WAR in an embedded Tomcat 11, deployed the way an admin deploys it: the
 * WAR is dropped into the host's appBase as {@code ROOT.war} and Tomcat's HostConfig deploys it.
 *
 * <p>Not part of the WAR: it is built with the tests and started by {@code mvn package exec:exec}.
 * Stopping the JVM (Ctrl-C) stops Tomcat, which undeploys Switchboard; every open WebSocket is
 * closed with 1001 (going away).
 */
public final class EmbeddedServer implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(EmbeddedServer.class.getName());

    private final Tomcat tomcat;
    static final String TOMCAT_WEBSOCKET_BUFFER = "org.apache.tomcat.websocket.DEFAULT_BUFFER_SIZE";

    private final Connector connector;
    private final Context context;
    private volatile boolean stopped;

    private EmbeddedServer(Tomcat tomcat, Connector connector, Context context) {
        this.tomcat = tomcat;
        this.connector = connector;
        this.context = context;
    }

    /**
     * Starts Tomcat on {@code address:port} (port 0: any free one) with {@code war} deployed at
     * the root, working under {@code baseDir} (emptied first).
     *
     * @throws IllegalStateException when the WAR fails to deploy (a bad setting, for example)
     */
    public static EmbeddedServer start(Path war, String address, int port, Path baseDir) throws LifecycleException {
        return start(war, address, port, baseDir, java.util.Map.of());
    }

    /**
     * As above, with these context parameters added to the deployed application (settings such as
     * {@code switchboard.broker.relay}, the way an admin's {@code context.xml} adds them).
     */
    public static EmbeddedServer start(Path war, String address, int port, Path baseDir,
                                       java.util.Map<String, String> contextParameters) throws LifecycleException {
        if (!Files.isRegularFile(war)) {
            throw new IllegalArgumentException("no WAR at " + war + " (build it with `mvn package -DskipTests`)");
        }
        deleteTree(baseDir);
        Path appBase = baseDir.resolve("webapps");
        copy(war, appBase.resolve("ROOT.war"));

        // Tomcat's per-WebSocket input, output and encoder buffers (allocated for every connection,
        // 8 KiB each by default); tomcat-conf/catalina.properties sets the same for a standalone Tomcat.
        if (System.getProperty(TOMCAT_WEBSOCKET_BUFFER) == null) {
            System.setProperty(TOMCAT_WEBSOCKET_BUFFER, "4096");
        }
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(baseDir.toAbsolutePath().toString());
        Connector connector = new Connector("HTTP/1.1");
        connector.setProperty("address", address);
        connector.setPort(port);
        // the same system properties, defaults and pool shape as tomcat-conf/server.xml
        connector.setProperty("maxConnections", System.getProperty("tomcat.max.connections", "20000"));
        connector.setProperty("maxThreads", System.getProperty("tomcat.max.threads", "200"));
        connector.setProperty("minSpareThreads", System.getProperty("tomcat.min.spare.threads", "8"));
        connector.setProperty("acceptCount", "1024");
        // Tomcat's per-connection socket buffers (8 KiB each way by default, on the heap for every
        // connection, idle or not): 4 KiB, as tomcat-conf/server.xml has them
        connector.setProperty("socket.appReadBufSize", "4096");
        connector.setProperty("socket.appWriteBufSize", "4096");
        tomcat.getService().addConnector(connector);
        tomcat.setConnector(connector);

        Host host = tomcat.getHost();
        host.setAppBase(appBase.toAbsolutePath().toString());
        host.setAutoDeploy(false);
        host.setDeployOnStartup(true);
        host.addContainerListener(event -> {
            if (Container.ADD_CHILD_EVENT.equals(event.getType()) && event.getData() instanceof Context added) {
                TomcatDefaults.apply(added);
                // as <Parameter> elements of context.xml: they outlive a reload, web.xml's do not
                contextParameters.forEach((name, value) -> {
                    org.apache.tomcat.util.descriptor.web.ApplicationParameter parameter =
                            new org.apache.tomcat.util.descriptor.web.ApplicationParameter();
                    parameter.setName(name);
                    parameter.setValue(value);
                    parameter.setOverride(false);
                    added.addApplicationParameter(parameter);
                });
            }
        });
        host.addLifecycleListener(new HostConfig());

        tomcat.start();
        if (!connector.getState().isAvailable() || connector.getLocalPort() < 0) {
            tomcat.stop();
            tomcat.destroy();
            throw new IllegalStateException("cannot listen on " + address + ":" + port
                    + " (in use? choose another port with -Dswitchboard.port=N)");
        }
        Context root = (Context) host.findChild("");
        if (root == null || !root.getState().isAvailable()) {
            tomcat.stop();
            tomcat.destroy();
            throw new IllegalStateException("Switchboard did not deploy; the log above says why");
        }
        return new EmbeddedServer(tomcat, connector, root);
    }

    public int port() {
        return connector.getLocalPort();
    }

    /** The HTTP base URI, ending in '/'. */
    public URI uri() {
        Object bound = connector.getProperty("address");
        String address = bound instanceof java.net.InetAddress inet ? inet.getHostAddress() : String.valueOf(bound);
        String host = address.contains(":") ? "[" + address + "]" : address;
        return URI.create("http://" + host + ":" + port() + "/");
    }

    public Context context() {
        return context;
    }

    /** Stops Tomcat: Switchboard undeploys and closes its WebSockets with 1001. Idempotent. */
    @Override
    public synchronized void close() {
        if (stopped) {
            return;
        }
        stopped = true;
        try {
            tomcat.stop();
            tomcat.destroy();
        } catch (LifecycleException e) {
            throw new IllegalStateException("Tomcat did not stop cleanly", e);
        }
    }

    private static void copy(Path from, Path to) {
        try {
            Files.createDirectories(to.getParent());
            Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * {@code --war PATH [--port 8080] [--address 127.0.0.1] [--base target/embedded-tomcat]}.
     */
    public static void main(String[] args) throws Exception {
        if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
            System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tT %4$s %3$s: %5$s%6$s%n");
        }
        Path war = null;
        int port = 8080;
        String address = "127.0.0.1";
        Path base = Path.of("target", "embedded-tomcat");
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--war" -> war = Path.of(value);
                case "--port" -> port = Integer.parseInt(value);
                case "--address" -> address = value;
                case "--base" -> base = Path.of(value);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]
                        + " (use --war PATH --port N --address IP --base DIR)");
            }
            i++;
        }
        if (war == null) {
            throw new IllegalArgumentException("--war PATH is required");
        }
        Map<String, String> fromMaven = MavenSettings.from(System.getenv("MAVEN_CMD_LINE_ARGS"));
        MavenSettings.apply(fromMaven);
        if (!fromMaven.isEmpty()) {
            LOG.info("Settings from the mvn command line: " + fromMaven.keySet());
        }
        EmbeddedServer server;
        try {
            server = start(war, address, port, base);
        } catch (IllegalStateException e) {
            LOG.severe(e.getMessage());
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        // keep logging alive until Tomcat has stopped, so the shutdown is in the log
        ClassLoaderLogManager logManager = LogManager.getLogManager() instanceof ClassLoaderLogManager m ? m : null;
        if (logManager != null) {
            logManager.setUseShutdownHook(false);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            LOG.info("Stopping Switchboard (closing WebSockets with 1001)");
            server.close();
            stopped.countDown();
            if (logManager != null) {
                logManager.shutdown();
            }
        }, "switchboard-shutdown"));
        String where = "localhost".equals(address) || "127.0.0.1".equals(address) ? "localhost" : address;
        LOG.info("Switchboard is running at http://" + where + ":" + server.port() + "/ (Ctrl-C stops it)");
        stopped.await();
    }
}
