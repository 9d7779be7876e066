package dev.switchboard.runner.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * STOMP benchmark: the same client (this package's, a selector thread per core) against Switchboard,
 * against the Spring reference peer and against the floor ({@link FloorServer}: a do-nothing server
 * that shows what the machine itself allows), each in its own JVM with the same flags, one after
 * the other in one run; prints a side-by-side table.
 *
 * <pre>
 * (cd ../shared/peers/spring-stomp &amp;&amp; mvn -q -B -DskipTests package)
 * mvn -q package -DskipTests exec:exec -Dswitchboard.main=dev.switchboard.runner.bench.StompBenchmark \
 *     -Dswitchboard.main.args= -Dswitchboard.jvm.args="-Xmx2g -XX:+EnableDynamicAgentLoading"
 * </pre>
 *
 * Options: {@code --peer-jar PATH}, {@code --only switchboard|spring|floor|tomcat-floor} (or several, comma-separated), {@code --idle N} (10000),
 * {@code --subscribers 100,1000}, {@code --step-seconds S} (3), {@code --sockjs websocket,xhr_streaming|none}
 * (STOMP fan-out to subscribers on those SockJS transports), {@code --sockjs-subscribers N} (100),
 * {@code --with-floor false} (no floor column), {@code --with-tomcat-floor true} (also the fan-out floor inside Tomcat, {@link dev.switchboard.runner.BareStompEndpoint}: its figures in the log), {@code --fixed-only true} (of the fan-out groups only
 * the fixed-rate latency steps), {@code --fixed-warmup S} (3: seconds of the fixed rate, unmeasured, before it), {@code --attacks true} (instead: the {@link AttackSuite}, each attack
 * for {@code --attack-seconds S}, 30; {@code --attack-only NAME} runs those whose name contains NAME; {@code --attack-warmup S} runs each S seconds unmeasured first); {@code -Dbench.debug=true} prints how many STOMP frames each
 * received WebSocket message carried, and per message when its first subscriber got it and how
 * long the last one waited after that.
 */
public final class StompBenchmark {

    /** Selector threads of the client: one per core, so the client reads as fast as the machine lets it. */
    static final int CLIENT_THREADS = Math.max(1, Runtime.getRuntime().availableProcessors());

    static final List<String> SERVER_FLAGS = List.of("-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch");

    /** Offered load of the overload phase: 1000 msg/s to 1000 subscribers (0 with --overload 0). */
    static double OVERLOAD_DELIVERIES = 1_000_000;

    /** SockJS transports measured (fan-out to SockJS subscribers): websocket, xhr_streaming. */
    static List<String> SOCKJS = List.of("websocket", "xhr_streaming");
    /** SockJS transports whose idle sessions are measured after the WebSocket ones ({@code --idle-sockjs}). */
    static List<String> IDLE_SOCKJS = List.of();

    static int SOCKJS_SUBSCRIBERS = 100;

    /** Only the fixed-rate latency steps of each fan-out group (--fixed-only true), for quick comparisons. */
    static boolean FIXED_ONLY;

    /** Length of the fixed-rate latency step (--fixed-seconds). */
    static double FIXED_SECONDS = 10;
    /** Seconds of the fixed rate, unmeasured, before each group's measured fixed-rate step. */
    static double FIXED_WARMUP_SECONDS = 3;

    private StompBenchmark() {
    }

    /** One server's figures. */
    static final class Figures {
        final Map<Integer, Double> maxDeliveries = new LinkedHashMap<>();
        final Map<Integer, StompLoad.Step> atMax = new LinkedHashMap<>();
        final Map<Integer, StompLoad.Step> fixed = new LinkedHashMap<>();
        final Map<Integer, StompLoad.Step> overload = new LinkedHashMap<>();
        final Map<Integer, String> afterOverload = new LinkedHashMap<>();
        /** By SockJS transport: the best passing step and the first failing one. */
        final Map<String, StompLoad.Step> sockJsMax = new LinkedHashMap<>();
        final Map<String, StompLoad.Step> sockJsFailed = new LinkedHashMap<>();
        double[] roundTrip;
        long[] idle;
        StompLoad.Overload heavy;
        String afterHeavyOverload;
        String failure;
    }

    public static void main(String[] args) throws Exception {
        Path war = null;
        Path peer = Path.of("../shared/peers/spring-stomp/target/spring-stomp.jar");
        String only = null;
        int idle = 10_000;
        List<Integer> groups = List.of(100, 1000);
        double stepSeconds = 3;
        boolean withBinary = false;
        boolean withFloor = true;
        boolean withTomcatFloor = false;
        boolean attacks = false;
        double attackSeconds = 30;
        String attackOnly = null;
        double attackWarmUp = 0;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--war" -> war = Path.of(args[i + 1]);
                case "--peer-jar" -> peer = Path.of(args[i + 1]);
                case "--only" -> only = args[i + 1];
                case "--idle" -> idle = Integer.parseInt(args[i + 1]);
                case "--subscribers" -> groups = args[i + 1].equals("none") ? List.of()
                        : java.util.Arrays.stream(args[i + 1].split(",")).map(Integer::valueOf).toList();
                case "--step-seconds" -> stepSeconds = Double.parseDouble(args[i + 1]);
                case "--with-binary" -> withBinary = Boolean.parseBoolean(args[i + 1]);
                case "--with-floor" -> withFloor = Boolean.parseBoolean(args[i + 1]);
                case "--with-tomcat-floor" -> withTomcatFloor = Boolean.parseBoolean(args[i + 1]);
                case "--overload" -> OVERLOAD_DELIVERIES = Double.parseDouble(args[i + 1]);
                case "--idle-sockjs" -> IDLE_SOCKJS = List.of(args[i + 1].split(","));
                case "--sockjs" -> SOCKJS = args[i + 1].equals("none") ? List.of() : List.of(args[i + 1].split(","));
                case "--fixed-seconds" -> FIXED_SECONDS = Double.parseDouble(args[i + 1]);
                case "--fixed-warmup" -> FIXED_WARMUP_SECONDS = Double.parseDouble(args[i + 1]);
                case "--fixed-only" -> FIXED_ONLY = Boolean.parseBoolean(args[i + 1]);
                case "--sockjs-subscribers" -> SOCKJS_SUBSCRIBERS = Integer.parseInt(args[i + 1]);
                case "--attacks" -> attacks = Boolean.parseBoolean(args[i + 1]);
                case "--attack-seconds" -> attackSeconds = Double.parseDouble(args[i + 1]);
                case "--attack-only" -> attackOnly = args[i + 1];
                case "--attack-warmup" -> attackWarmUp = Double.parseDouble(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (war == null || !Files.exists(war)) {
            throw new IllegalArgumentException("--war must name the built WAR (mvn package)");
        }
        if (attacks) {
            AttackSuite.run(war, attackSeconds, attackOnly, attackWarmUp);
            return;
        }
        List<String> picked = only == null ? null : List.of(only.split(","));
        if ((picked == null || picked.stream().anyMatch("spring"::startsWith)) && !Files.exists(peer)) {
            throw new IllegalArgumentException("the Spring peer is not built: " + peer.toAbsolutePath()
                    + " (cd ../shared/peers/spring-stomp && mvn -q -B -DskipTests package)");
        }
        Map<String, Figures> results = new LinkedHashMap<>();
        List<String> servers = new ArrayList<>(List.of("switchboard"));
        if (withBinary) {
            servers.add("switchboard-binary");
        }
        servers.add("spring");
        if (withFloor) {
            servers.add("floor");
        }
        if (withTomcatFloor) {
            servers.add("tomcat-floor");
        }
        for (String name : servers) {
            if (picked != null && picked.stream().noneMatch(name::startsWith)) {
                continue;
            }
            Figures f = new Figures();
            results.put(name, f);
            try (ServerProcess server = switch (name) {
                    case "switchboard" -> ServerProcess.switchboard(war, SERVER_FLAGS);
                    case "switchboard-binary" -> ServerProcess.switchboard(war, SERVER_FLAGS,
                            Map.of("SWITCHBOARD_STOMP_MESSAGE_FRAMES", "binary"), "Switchboard (binary MESSAGE frames)");
                    case "floor" -> ServerProcess.floor(SERVER_FLAGS);
                    case "tomcat-floor" -> ServerProcess.switchboard(
                            dev.switchboard.runner.IdleMemoryBenchmark.bareWar(dev.switchboard.runner.BareStompEndpoint.class),
                            SERVER_FLAGS, Map.of(), "Tomcat floor (BareStompEndpoint)");
                    default -> ServerProcess.spring(peer, SERVER_FLAGS);
                };
                 ClientLoop loop = new ClientLoop("bench-client-" + name, CLIENT_THREADS)) {
                log("=== %s on port %d (%s)", server.name, server.port, String.join(" ", SERVER_FLAGS));
                boolean floor = name.endsWith("floor");
                run(new StompLoad(loop, server), server, f, groups, stepSeconds, floor ? 0 : idle, floor);
            } catch (Exception e) {
                f.failure = e.toString();
                log("%s: run stopped: %s", name, e);
            }
        }
        print(results, groups, idle);
    }

    /** With {@code floor}: the fan-out groups and round trips only (no SockJS, idle memory or overload phase). */
    private static void run(StompLoad load, ServerProcess server, Figures f, List<Integer> groups, double stepSeconds,
                            int idle, boolean floor) throws Exception {
        double roundTripSeconds = groups.isEmpty() ? 1 : 5;
        double overloadRate = OVERLOAD_DELIVERIES;
        for (int n : groups) {
            try (StompLoad.FanOut group = load.new FanOut("/topic/bench" + n, n)) {
                double fixedRate = 10_000.0 / n;
                group.step(fixedRate, FIXED_WARMUP_SECONDS); // warm-up
                StompLoad.Step fixed = group.step(fixedRate, FIXED_SECONDS);
                f.fixed.put(n, fixed);
                log("1->%d fixed 10k deliveries/s: %s", n, fixed);
                if (FIXED_ONLY) {
                    continue;
                }
                double rate = Boolean.getBoolean("bench.no.ramp") ? Double.MAX_VALUE : 20_000.0 / n;
                StompLoad.Step best = null;
                while (rate * n <= 4_000_000) {
                    StompLoad.Step step = group.step(rate, stepSeconds);
                    log("1->%d offered %.0f msg/s: %s %s", n, rate, step, step.passed() ? "PASS" : "FAIL");
                    if (!step.passed()) {
                        f.overload.put(n, step);
                        break;
                    }
                    best = step;
                    rate *= 1.5;
                }
                f.maxDeliveries.put(n, best == null ? 0 : best.deliveredPerSec());
                if (best != null) {
                    f.atMax.put(n, best);
                }
            }
            Thread.sleep(2000);
            f.afterOverload.put(n, serving(load, server));
            log("1->%d after overload: %s", n, f.afterOverload.get(n));
        }
        for (String transport : floor ? List.<String>of() : SOCKJS) {
            ClientLoop.Mode mode = switch (transport) {
                case "websocket" -> ClientLoop.Mode.SOCKJS_WEBSOCKET;
                case "xhr_streaming" -> ClientLoop.Mode.SOCKJS_XHR_STREAMING;
                default -> throw new IllegalArgumentException("SockJS transport websocket or xhr_streaming: " + transport);
            };
            int n = SOCKJS_SUBSCRIBERS;
            try (StompLoad.FanOut group = load.new FanOut("/topic/sockjs-" + transport, n, mode)) {
                group.step(10_000.0 / n, 3); // warm-up
                double rate = 20_000.0 / n;
                while (rate * n <= 4_000_000) {
                    StompLoad.Step step = group.step(rate, stepSeconds);
                    log("SockJS %s 1->%d offered %.0f msg/s: %s %s", transport, n, rate, step, step.passed() ? "PASS" : "FAIL");
                    if (!step.passed()) {
                        f.sockJsFailed.put(transport, step);
                        break;
                    }
                    f.sockJsMax.put(transport, step);
                    rate *= 1.5;
                }
            }
            Thread.sleep(2000);
        }
        f.roundTrip = load.roundTrip(50, roundTripSeconds);
        log("round trip: p50 %.2f ms, p99 %.2f ms (%d pings)", f.roundTrip[0], f.roundTrip[1], (long) f.roundTrip[2]);
        if (idle > 0) {
            f.idle = load.idle(idle);
            log("idle: %d B heap/conn, %d B RSS/conn, %d open", f.idle[0], f.idle[1], f.idle[2]);
            for (String transport : IDLE_SOCKJS) {
                long[] sockjs = load.idle(idle, transport.equals("websocket")
                        ? ClientLoop.Mode.SOCKJS_WEBSOCKET : ClientLoop.Mode.SOCKJS_XHR_STREAMING);
                log("idle over SockJS %s: %d B heap/session, %d B RSS/session, %d open", transport,
                        sockjs[0], sockjs[1], sockjs[2]);
            }
        }
        if (overloadRate > 0 && !floor) {
            // Last: it may leave a server that does not recover unfit for anything after it.
            try (StompLoad.FanOut group = load.new FanOut("/topic/overload", 1000)) {
                group.step(10, 2); // warm-up
                f.heavy = group.overload(overloadRate / 1000.0, 10);
                log("overload: %s", f.heavy);
            }
            Thread.sleep(5000);
            f.afterHeavyOverload = serving(load, server);
            log("after overload: %s", f.afterHeavyOverload);
        }
    }

    /** Whether the server still serves a new client: its first round trip within 10 s. */
    private static String serving(StompLoad load, ServerProcess server) {
        if (!server.alive()) {
            return "process gone";
        }
        double ms = load.firstRoundTrip(10);
        return Double.isNaN(ms) ? "no answer in 10 s" : String.format(Locale.ROOT, "yes (%.0f ms)", ms);
    }

    static void log(String format, Object... args) {
        System.out.printf(Locale.ROOT, format + "%n", args);
        System.out.flush();
    }

    private static void print(Map<String, Figures> results, List<Integer> groups, int idle) {
        Figures s = results.get("switchboard");
        Figures b = results.get("switchboard-binary");
        Figures p = results.get("spring");
        floor = results.get("floor");
        List<String[]> rows = rows(results, groups, idle, s, p);
        printTable(rows, results, b == null ? null : rows(results, groups, idle, b, p));
    }

    private static List<String[]> rows(Map<String, Figures> results, List<Integer> groups, int idle, Figures s, Figures p) {
        List<String[]> rows = new ArrayList<>();
        for (int n : groups) {
            rows.add(row("fan-out 1→" + n + ": max deliveries/s (p99 < 50 ms, none lost)",
                    f -> f.maxDeliveries.containsKey(n) ? String.format(Locale.ROOT, "%,.0f", f.maxDeliveries.get(n)) : "–",
                    f -> f.maxDeliveries.getOrDefault(n, Double.NaN), s, p, true));
            rows.add(row("fan-out 1→" + n + ": p50 / p99 / p99.9 ms at 10,000 deliveries/s",
                    f -> f.fixed.containsKey(n) ? String.format(Locale.ROOT, "%.2f / %.2f / %.2f", f.fixed.get(n).p50(),
                            f.fixed.get(n).p99(), f.fixed.get(n).p999()) : "–",
                    f -> f.fixed.containsKey(n) ? f.fixed.get(n).p99() : Double.NaN, s, p, false));
            rows.add(row("fan-out 1→" + n + ": CPU at max step, server / client (% of one core)",
                    f -> f.atMax.containsKey(n) ? String.format(Locale.ROOT, "%.0f%% / %.0f%%", f.atMax.get(n).serverCpu() * 100,
                            f.atMax.get(n).clientCpu() * 100) : "–", f -> Double.NaN, s, p, true));
            rows.add(row("fan-out 1→" + n + ": first failing step: offered → delivered/s, p99 ms, subscribers cut, out of order",
                    f -> f.overload.containsKey(n) ? String.format(Locale.ROOT, "%,.0f → %,.0f, %.0f ms, %d cut, %d ooo",
                            f.overload.get(n).offeredPerSec(), f.overload.get(n).deliveredPerSec(), f.overload.get(n).p99(),
                            f.overload.get(n).cut(), f.overload.get(n).outOfOrder()) : "none up to 4M/s",
                    f -> Double.NaN, s, p, true));
            rows.add(row("fan-out 1→" + n + ": serves a new client after that step",
                    f -> f.afterOverload.getOrDefault(n, "–"), f -> Double.NaN, s, p, true));
        }
        for (String transport : SOCKJS) {
            String label = "SockJS " + transport + ", fan-out 1→" + SOCKJS_SUBSCRIBERS;
            rows.add(row(label + ": max deliveries/s (p99 < 50 ms, none lost)",
                    f -> f.sockJsMax.containsKey(transport) ? String.format(Locale.ROOT, "%,.0f",
                            f.sockJsMax.get(transport).deliveredPerSec()) : "–",
                    f -> f.sockJsMax.containsKey(transport) ? f.sockJsMax.get(transport).deliveredPerSec() : Double.NaN,
                    s, p, true));
            rows.add(row(label + ": p50 / p99 ms and CPU server / client at the max step",
                    f -> f.sockJsMax.containsKey(transport) ? String.format(Locale.ROOT, "%.2f / %.2f ms; %.0f%% / %.0f%%",
                            f.sockJsMax.get(transport).p50(), f.sockJsMax.get(transport).p99(),
                            f.sockJsMax.get(transport).serverCpu() * 100, f.sockJsMax.get(transport).clientCpu() * 100) : "–",
                    f -> Double.NaN, s, p, true));
            rows.add(row(label + ": first failing step: offered → delivered/s, p99 ms, cut, out of order",
                    f -> f.sockJsFailed.containsKey(transport) ? String.format(Locale.ROOT, "%,.0f → %,.0f, %.0f ms, %d cut, %d ooo",
                            f.sockJsFailed.get(transport).offeredPerSec(), f.sockJsFailed.get(transport).deliveredPerSec(),
                            f.sockJsFailed.get(transport).p99(), f.sockJsFailed.get(transport).cut(),
                            f.sockJsFailed.get(transport).outOfOrder()) : "none up to 4M/s",
                    f -> Double.NaN, s, p, true));
        }
        rows.add(row("round trip, 50 clients: p50 / p99 ms",
                f -> f.roundTrip == null ? "–" : String.format(Locale.ROOT, "%.2f / %.2f", f.roundTrip[0], f.roundTrip[1]),
                f -> f.roundTrip == null ? Double.NaN : f.roundTrip[1], s, p, false));
        if (idle > 0) {
            rows.add(row(String.format(Locale.ROOT, "idle: %,d subscribed sessions, heap per connection", idle),
                    f -> f.idle == null ? "–" : String.format(Locale.ROOT, "%,d B (%d open)", f.idle[0], f.idle[2]),
                    f -> f.idle == null ? Double.NaN : f.idle[0], s, p, false));
            rows.add(row(String.format(Locale.ROOT, "idle: %,d subscribed sessions, RSS per connection", idle),
                    f -> f.idle == null ? "–" : String.format(Locale.ROOT, "%,d B", f.idle[1]),
                    f -> f.idle == null ? Double.NaN : f.idle[1], s, p, false));
        }
        if (OVERLOAD_DELIVERIES > 0) {
            String offered = String.format(Locale.ROOT, "%,.0f", OVERLOAD_DELIVERIES);
            rows.add(row("overload, 1→1000 offered " + offered + " deliveries/s for 10 s: delivered/s, subscribers cut",
                    f -> f.heavy == null ? "–" : String.format(Locale.ROOT, "%,.0f, %d cut%s", f.heavy.deliveredPerSec(),
                            f.heavy.cut(), f.heavy.publisherStalled() == null ? "" : " (publisher stalled: "
                                    + f.heavy.publisherStalled() + ")"),
                    f -> f.heavy == null ? Double.NaN : f.heavy.deliveredPerSec(), s, p, true));
            rows.add(row("overload: server time in GC; a new client's first round trip half-way (connect included)",
                    f -> f.heavy == null ? "–" : String.format(Locale.ROOT, "%.0f%%; %s", f.heavy.gcPercent(),
                            Double.isNaN(f.heavy.newClientRttMillis()) ? "no answer in 10 s"
                                    : String.format(Locale.ROOT, "%.0f ms", f.heavy.newClientRttMillis())),
                    f -> Double.NaN, s, p, true));
            rows.add(row("overload: serves a new client 5 s after it", f -> f.afterHeavyOverload == null ? "–"
                    : f.afterHeavyOverload, f -> Double.NaN, s, p, true));
        }
        return rows;
    }

    private static void printTable(List<String[]> rows, Map<String, Figures> results, List<String[]> binaryRows) {
        System.out.println();
        System.out.println("STOMP benchmark: server JVMs " + String.join(" ", SERVER_FLAGS) + " (G1), "
                + Runtime.getRuntime().availableProcessors() + " cores, 128-byte bodies, client: this JVM, " + CLIENT_THREADS + " selector threads");
        System.out.println();
        String floorHead = floor == null ? "" : " Floor: do-nothing NIO server (what the machine allows) |";
        String floorRule = floor == null ? "" : "---|";
        System.out.println("| measure | Switchboard | Spring peer | Switchboard vs peer |" + floorHead);
        System.out.println("|---|---|---|---|" + floorRule);
        for (String[] r : rows) {
            System.out.println("| " + String.join(" | ", r) + " |");
        }
        if (binaryRows != null) {
            System.out.println();
            System.out.println("With `stomp.message.frames=binary` (MESSAGE frames in binary WebSocket messages):");
            System.out.println();
            System.out.println("| measure | Switchboard, binary frames | Spring peer | vs peer |" + floorHead);
            System.out.println("|---|---|---|---|" + floorRule);
            for (String[] r : binaryRows) {
                System.out.println("| " + String.join(" | ", r) + " |");
            }
        }
        for (Map.Entry<String, Figures> e : results.entrySet()) {
            if (e.getValue().failure != null) {
                System.out.println();
                System.out.println(e.getKey() + ": the run stopped early: " + e.getValue().failure);
            }
        }
    }

    /** The floor server's figures, shown in a last column when it ran. */
    private static Figures floor;

    private static String[] row(String label, java.util.function.Function<Figures, String> text,
                                java.util.function.ToDoubleFunction<Figures> value, Figures s, Figures p, boolean higherBetter) {
        String fv = floor == null ? "–" : text.apply(floor);
        String sv = s == null ? "–" : text.apply(s);
        String pv = p == null ? "–" : text.apply(p);
        String ratio = "";
        if (s != null && p != null) {
            double a = value.applyAsDouble(s);
            double b = value.applyAsDouble(p);
            if (!Double.isNaN(a) && !Double.isNaN(b) && a > 0 && b > 0) {
                ratio = String.format(Locale.ROOT, higherBetter ? "%.1f×" : "%.2f× (lower is better)", a / b);
            }
        }
        return floor == null ? new String[] {label, sv, pv, ratio} : new String[] {label, sv, pv, ratio, fv};
    }
}
