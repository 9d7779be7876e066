package dev.switchboard.runner.bench;

import com.sun.tools.attach.VirtualMachine;
import java.io.File;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/** A server under test in its own JVM: started with the benchmark's flags, measured from outside, stopped. */
final class ServerProcess implements AutoCloseable {

    final String name;
    final int port;
    final String stompPath;
    /** The STOMP service's SockJS base URL path (transport URLs go under it). */
    final String sockJsPath;
    private final Process process;
    private JMXConnector jmx;

    private ServerProcess(String name, int port, String stompPath, String sockJsPath, Process process) {
        this.name = name;
        this.port = port;
        this.stompPath = stompPath;
        this.sockJsPath = sockJsPath;
        this.process = process;
    }

    static int freePort() throws Exception {
        try (ServerSocket probe = new ServerSocket(0)) {
            return probe.getLocalPort();
        }
    }

    /** Switchboard's WAR on the embedded runner (the run command's server). */
    static ServerProcess switchboard(Path war, List<String> jvmFlags) throws Exception {
        return switchboard(war, jvmFlags, Map.of(), "Switchboard");
    }

    /** As {@link #switchboard(Path, List)} with settings as environment variables ({@code SWITCHBOARD_...}). */
    static ServerProcess switchboard(Path war, List<String> jvmFlags, Map<String, String> settings, String name)
            throws Exception {
        return switchboard(war, jvmFlags, settings, name, true);
    }

    /**
     * As above; with {@code liftClientLimits} false the per-address and per-connection abuse limits
     * keep their defaults (the attack suite, whose clients come from addresses of their own).
     */
    static ServerProcess switchboard(Path war, List<String> jvmFlags, Map<String, String> settings, String name,
                                     boolean liftClientLimits) throws Exception {
        int port = freePort();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java));
        cmd.addAll(jvmFlags);
        cmd.addAll(extraFlags());
        cmd.addAll(List.of("-Djava.util.logging.config.file=" + Path.of("src/test/resources/logging.properties").toAbsolutePath(),
                "-Djava.util.logging.manager=org.apache.juli.ClassLoaderLogManager",
                "--add-opens=java.base/java.lang=ALL-UNNAMED", "--add-opens=java.base/java.io=ALL-UNNAMED",
                "--add-opens=java.base/java.util=ALL-UNNAMED", "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
                "--add-opens=java.rmi/sun.rmi.transport=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), "dev.switchboard.runner.EmbeddedServer",
                "--war", war.toString(), "--port", String.valueOf(port), "--base", "target/stomp-benchmark-" + slug(name)));
        ProcessBuilder builder = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(new File("target/stomp-benchmark-" + slug(name) + ".log"));
        // every benchmark client comes from 127.0.0.1 and publishers send as fast as they can:
        // the per-address and per-connection abuse limits are lifted (the attack suite sets its own)
        if (liftClientLimits) {
            builder.environment().putAll(Map.of("SWITCHBOARD_HANDSHAKE_RATE", "0",
                    "SWITCHBOARD_CONNECTIONS_MAX", "200000", "SWITCHBOARD_CONNECTIONS_PER_ADDRESS_MAX", "200000",
                    "SWITCHBOARD_INBOUND_MESSAGES_RATE", "0", "SWITCHBOARD_INBOUND_BYTES_RATE", "0",
                    "SWITCHBOARD_INBOUND_BYTES_RATE_ADDRESS", "0"));
        }
        builder.environment().putAll(settings);
        return started(name, port, "/stomp", "/sockjs/stomp", builder.start());
    }

    /** A server's name as a file name: "Switchboard (binary MESSAGE frames)" becomes "switchboard-binary-message-frames". */
    private static String slug(String name) {
        return name.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-|-$)", "");
    }

    /** The Spring reference peer's jar (../shared/peers/spring-stomp, built beforehand). */
    static ServerProcess spring(Path jar, List<String> jvmFlags) throws Exception {
        int port = freePort();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java));
        cmd.addAll(jvmFlags);
        cmd.addAll(extraFlags());
        cmd.addAll(List.of("-jar", jar.toString(), "--server.port=" + port, "--server.address=127.0.0.1",
                "--server.tomcat.max-connections=20000"));
        ProcessBuilder builder = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(new File("target/stomp-benchmark-spring.log"));
        return started("Spring peer", port, "/ws", "/sockjs", builder.start());
    }

    /** The floor: {@link FloorServer}, a do-nothing STOMP server on one NIO thread, in its own JVM with the same flags. */
    static ServerProcess floor(List<String> jvmFlags) throws Exception {
        int port = freePort();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java));
        cmd.addAll(jvmFlags);
        cmd.addAll(extraFlags());
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), FloorServer.class.getName(),
                "--port", String.valueOf(port)));
        ProcessBuilder builder = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(new File("target/stomp-benchmark-floor.log"));
        return started("Floor (do-nothing NIO server)", port, "/stomp", null, builder.start());
    }

    /** Extra server JVM flags for investigation (a profiler, say), from BENCH_SERVER_FLAGS; empty normally. */
    private static List<String> extraFlags() {
        String extra = System.getenv("BENCH_SERVER_FLAGS");
        return extra == null || extra.isBlank() ? List.of() : List.of(extra.trim().split("\\s+"));
    }

    private static ServerProcess started(String name, int port, String path, String sockJsPath, Process process)
            throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (true) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + "; see target/stomp-benchmark-*.log");
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 500);
                break;
            } catch (Exception notYet) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(name + " did not open port " + port);
                }
                Thread.sleep(200);
            }
        }
        return new ServerProcess(name, port, path, sockJsPath, process);
    }

    InetSocketAddress address() {
        return new InetSocketAddress("127.0.0.1", port);
    }

    long pid() {
        return process.pid();
    }

    boolean alive() {
        return process.isAlive();
    }

    /** Heap in use after full GCs, through JMX (attached to the server's JVM). */
    long heapAfterGc() throws Exception {
        attachJmx();
        MemoryMXBean memory = ManagementFactory.newPlatformMXBeanProxy(jmx.getMBeanServerConnection(),
                ManagementFactory.MEMORY_MXBEAN_NAME, MemoryMXBean.class);
        for (int i = 0; i < 3; i++) {
            if (i > 0) {
                Thread.sleep(300);
            }
            memory.gc();
        }
        return memory.getHeapMemoryUsage().getUsed(); // read at once: a server under load allocates on
    }

    /**
     * Total GC time of the server's JVM in milliseconds, read with {@code jstat} (the JVM's
     * performance counters, no attach), so it answers even when the JVM is too busy collecting to
     * answer JMX. -1 when jstat gives nothing within 10 s.
     */
    long gcMillis() throws Exception {
        Path jstat = Path.of(System.getProperty("java.home"), "bin", "jstat");
        Process p = new ProcessBuilder(jstat.toString(), "-gcutil", String.valueOf(process.pid()))
                .redirectErrorStream(true).start();
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return -1;
        }
        List<String> lines = new String(p.getInputStream().readAllBytes()).lines().toList();
        if (lines.size() < 2) {
            return -1;
        }
        String[] header = lines.get(0).trim().split("\\s+");
        String[] values = lines.get(lines.size() - 1).trim().split("\\s+");
        for (int i = 0; i < header.length && i < values.length; i++) {
            if (header[i].equals("GCT")) {
                return (long) (Double.parseDouble(values[i]) * 1000);
            }
        }
        return -1;
    }

    private void attachJmx() throws Exception {
        if (jmx == null) {
            VirtualMachine vm = VirtualMachine.attach(String.valueOf(process.pid()));
            try {
                jmx = JMXConnectorFactory.connect(new JMXServiceURL(vm.startLocalManagementAgent()));
            } finally {
                vm.detach();
            }
        }
    }

    /** The names of the server JVM's live threads, through JMX. */
    List<String> threadNames() throws Exception {
        attachJmx();
        java.lang.management.ThreadMXBean threads = ManagementFactory.newPlatformMXBeanProxy(jmx.getMBeanServerConnection(),
                ManagementFactory.THREAD_MXBEAN_NAME, java.lang.management.ThreadMXBean.class);
        List<String> names = new ArrayList<>();
        for (java.lang.management.ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info != null) {
                names.add(info.getThreadName());
            }
        }
        return names;
    }

    /** Live threads in the server's JVM, through JMX. */
    int threads() throws Exception {
        attachJmx();
        return ManagementFactory.newPlatformMXBeanProxy(jmx.getMBeanServerConnection(),
                ManagementFactory.THREAD_MXBEAN_NAME, java.lang.management.ThreadMXBean.class).getThreadCount();
    }

    /**
     * Heap in use just after the last collection (each heap pool's collection usage), without
     * forcing one: what the live data weighed when the JVM last looked.
     */
    long heapAfterLastGc() throws Exception {
        attachJmx();
        long used = 0;
        for (java.lang.management.MemoryPoolMXBean pool : ManagementFactory.getPlatformMXBeans(
                jmx.getMBeanServerConnection(), java.lang.management.MemoryPoolMXBean.class)) {
            if (pool.getType() == java.lang.management.MemoryType.HEAP && pool.getCollectionUsage() != null) {
                used += pool.getCollectionUsage().getUsed();
            }
        }
        return used;
    }

    /** Open file descriptors of the server's process (sockets included), from /proc. */
    long descriptors() throws Exception {
        try (var fds = Files.list(Path.of("/proc", String.valueOf(process.pid()), "fd"))) {
            return fds.count();
        }
    }

    long rss() throws Exception {
        return rss(process.pid());
    }

    static long rss(long pid) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new IllegalStateException("no VmRSS for " + pid);
    }

    /** CPU time (user + system) the server's process has used, in nanoseconds. */
    long cpuNanos() throws Exception {
        return cpuNanos(process.pid());
    }

    static long cpuNanos(long pid) throws Exception {
        String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime, stime
        return ticks * 10_000_000L; // USER_HZ is 100 on Linux
    }

    @Override
    public void close() throws Exception {
        if (jmx != null) {
            try {
                jmx.close();
            } catch (Exception ignored) {
                // the server goes anyway
            }
        }
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
