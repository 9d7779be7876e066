package dev.switchboard.runner.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The soak: {@link SoakLoad}'s mix against one node (the demo WAR on the embedded runner, in its
 * own JVM) for a set time, sampled every two seconds into {@code soak.csv} and drawn into
 * {@code soak.png}; then the load stops and the node must come back to where it started: no
 * connection, subscription, destination, chat room, SockJS session or timer left, threads and file
 * descriptors back to their baseline, heap after a full GC back near it, and every queue message
 * accepted with a receipt consumed.
 *
 * <p>{@code mvn -q package -DskipTests exec:exec -Dswitchboard.main=dev.switchboard.runner.bench.SoakBenchmark -Dswitchboard.main.args="--minutes 60"}
 */
public final class SoakBenchmark {

    /** Settings that make what expires expire within a short soak (the defaults are minutes). */
    static final Map<String, String> SETTINGS = Map.of(
            "SWITCHBOARD_CHAT_ROOM_TTL", "5s",
            "SWITCHBOARD_SOCKJS_DISCONNECT_DELAY", "2s");

    static final Duration SAMPLE = Duration.ofSeconds(2);
    /** Tomcat lets an idle pool thread go after 60 s: the settle bound covers that. */
    static final Duration SETTLE = Duration.ofSeconds(150);
    static final String[] COLUMNS = {"seconds", "heap_after_gc_mb", "threads", "descriptors", "connections",
        "subscriptions", "destinations", "rooms", "sockjs_sessions", "timers", "deliveries_per_s", "p99_ms"};

    private SoakBenchmark() {
    }

    /** What a soak found: the verdict's lines (empty when it passed) and the figures. */
    record Result(List<String> failures, Map<String, Object> figures) {
        boolean passed() {
            return failures.isEmpty();
        }
    }

    public static void main(String[] args) throws Exception {
        Path war = null;
        Duration load = Duration.ofMinutes(2);
        Path out = Path.of("target", "soak");
        for (int i = 0; i < args.length; i += 2) {
            switch (args[i]) {
                case "--war" -> war = Path.of(args[i + 1]);
                case "--minutes" -> load = Duration.ofMinutes(Long.parseLong(args[i + 1]));
                case "--seconds" -> load = Duration.ofSeconds(Long.parseLong(args[i + 1]));
                case "--out" -> out = Path.of(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        Result result = run(war, load, out);
        result.figures().forEach((k, v) -> System.out.println(k + ": " + v));
        System.out.println(result.passed() ? "PASS" : "FAIL: " + String.join("; ", result.failures()));
        System.exit(result.passed() ? 0 : 1);
    }

    static Result run(Path war, Duration load, Path out) throws Exception {
        Files.createDirectories(out);
        Map<String, Object> figures = new LinkedHashMap<>();
        List<String> failures = new ArrayList<>();
        List<double[]> rows = new ArrayList<>();
        try (ServerProcess server = ServerProcess.switchboard(war, List.of("-Xms512m", "-Xmx512m"), SETTINGS, "soak", true)) {
            Stats stats = new Stats(server.port);
            warmUp(server.port);
            List<String> baselineThreadNames = server.threadNames();
            long baselineHeap = server.heapAfterGc();
            int baselineThreads = server.threads();
            long baselineFds = server.descriptors();
            long baselineTimers = stats.read().get("timers");
            figures.put("baseline", String.format(Locale.ROOT, "heap after GC %.1f MB, %d threads, %d descriptors, %d timers",
                    baselineHeap / 1e6, baselineThreads, baselineFds, baselineTimers));

            long started = System.nanoTime();
            SoakLoad clients = new SoakLoad(server.port, load);
            clients.start();
            long lastDeliveries = stats.read().get("deliveries");
            long loadEnd = started + load.toNanos();
            while (System.nanoTime() < loadEnd) {
                TimeUnit.MILLISECONDS.sleep(SAMPLE.toMillis());
                Map<String, Long> now = stats.read();
                rows.add(row(started, server, now, (now.get("deliveries") - lastDeliveries) / (double) SAMPLE.toSeconds(),
                        clients.takeP99Millis()));
                lastDeliveries = now.get("deliveries");
            }
            clients.stop(Duration.ofSeconds(60));
            figures.put("load", load.toSeconds() + " s; " + clients.connections.sum() + " connections made, "
                    + clients.acceptedCount() + " queue messages accepted with a receipt, "
                    + clients.failures.sum() + " client steps cut short (refused or cut connections; first of each kind: "
                    + clients.firstFailures + ")");

            // after the load: every count back to zero, threads and descriptors to their baseline
            long settleEnd = System.nanoTime() + SETTLE.toNanos();
            Map<String, Long> after = stats.read();
            while (System.nanoTime() < settleEnd && !(settled(after, baselineTimers)
                    && server.threads() <= baselineThreads + 4 && server.descriptors() <= baselineFds + 8)) {
                TimeUnit.MILLISECONDS.sleep(SAMPLE.toMillis());
                after = stats.read();
                rows.add(row(started, server, after, (after.get("deliveries") - lastDeliveries) / (double) SAMPLE.toSeconds(), Double.NaN));
                lastDeliveries = after.get("deliveries");
            }
            figures.put("settled after", String.format(Locale.ROOT, "%.0f s", (System.nanoTime() - loadEnd) / 1e9));
            for (String key : new String[] {"open", "subscriptions", "topicDestinations", "queueDestinations", "rooms",
                "httpSessions", "websocketSessions"}) {
                if (after.get(key) != 0) {
                    failures.add(key + " left: " + after.get(key));
                }
            }
            if (after.get("timers") > baselineTimers) {
                failures.add("timers " + after.get("timers") + " (baseline " + baselineTimers + ")");
            }
            int threads = server.threads();
            long fds = server.descriptors();
            long heap = server.heapAfterGc();
            if (threads > baselineThreads + 4) {
                List<String> more = new ArrayList<>(server.threadNames());
                baselineThreadNames.forEach(more::remove);
                failures.add("threads " + threads + " (baseline " + baselineThreads + "; new: " + more + ")");
            }
            if (fds > baselineFds + 8) {
                failures.add("descriptors " + fds + " (baseline " + baselineFds + ")");
            }
            if (heap > baselineHeap + Math.max(16_000_000, baselineHeap / 5)) {
                failures.add(String.format(Locale.ROOT, "heap after GC %.1f MB (baseline %.1f MB)", heap / 1e6, baselineHeap / 1e6));
            }
            if (!clients.unconsumed().isEmpty()) {
                failures.add(clients.unconsumed().size() + " queue messages accepted with a receipt never consumed");
            }
            if (after.get("closedSlowConsumer") == 0 || after.get("timedOut") == 0 || after.get("roomsForgotten") == 0) {
                failures.add("the mix did not happen: slow consumers cut " + after.get("closedSlowConsumer")
                        + ", SockJS sessions timed out " + after.get("timedOut") + ", rooms forgotten " + after.get("roomsForgotten"));
            }
            figures.put("after", String.format(Locale.ROOT, "heap after GC %.1f MB, %d threads, %d descriptors, %d timers; "
                    + "slow consumers cut %d, SockJS sessions timed out %d, chat rooms forgotten %d, redelivered %d",
                    heap / 1e6, threads, fds, after.get("timers"), after.get("closedSlowConsumer"), after.get("timedOut"),
                    after.get("roomsForgotten"), after.get("redelivered")));
        }
        Path csv = out.resolve("soak.csv");
        StringBuilder text = new StringBuilder(String.join(",", COLUMNS)).append('\n');
        for (double[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                text.append(i == 0 ? "" : ",").append(Double.isNaN(r[i]) ? "" : String.format(Locale.ROOT, "%.1f", r[i]));
            }
            text.append('\n');
        }
        Files.writeString(csv, text);
        SoakPlot.draw(COLUMNS, rows, out.resolve("soak.png"));
        figures.put("samples", rows.size() + " in " + csv + " and " + out.resolve("soak.png"));
        return new Result(failures, figures);
    }

    /**
     * One visit of each kind before the baseline is read: what a server starts only on first use
     * (its writer threads, a pool's first threads, classes loaded) belongs to the baseline.
     */
    private static void warmUp(int port) throws Exception {
        SoakLoad once = new SoakLoad(port, Duration.ofSeconds(3));
        once.start();
        once.stop(Duration.ofSeconds(10));
        TimeUnit.SECONDS.sleep(SETTLE_WARM_UP.toSeconds());
    }

    /** After the warm-up: its SockJS sessions time out and its rooms are forgotten (settings above). */
    private static final Duration SETTLE_WARM_UP = Duration.ofSeconds(10);

    private static boolean settled(Map<String, Long> s, long baselineTimers) {
        return s.get("open") == 0 && s.get("subscriptions") == 0 && s.get("topicDestinations") == 0
                && s.get("queueDestinations") == 0 && s.get("rooms") == 0 && s.get("httpSessions") == 0
                && s.get("websocketSessions") == 0 && s.get("timers") <= baselineTimers;
    }

    private static double[] row(long started, ServerProcess server, Map<String, Long> s, double deliveries, double p99)
            throws Exception {
        return new double[] {(System.nanoTime() - started) / 1e9, server.heapAfterLastGc() / 1e6, server.threads(),
            server.descriptors(), s.get("open"), s.get("subscriptions"), s.get("topicDestinations") + s.get("queueDestinations"),
            s.get("rooms"), s.get("httpSessions") + s.get("websocketSessions"), s.get("timers"), deliveries, p99};
    }

    /** The node's /stats figures the soak reads (each key's first number in the JSON). */
    static final class Stats {
        private static final String[] KEYS = {"open", "subscriptions", "topicDestinations", "queueDestinations",
            "deliveries", "redelivered", "rooms", "roomsForgotten", "httpSessions", "websocketSessions", "timedOut",
            "timers", "closedSlowConsumer"};
        private final HttpClient client = HttpClient.newHttpClient();
        private final URI uri;

        Stats(int port) {
            this.uri = URI.create("http://127.0.0.1:" + port + "/stats");
        }

        Map<String, Long> read() throws IOException, InterruptedException {
            String body = client.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString()).body();
            Map<String, Long> out = new LinkedHashMap<>();
            for (String key : KEYS) {
                Matcher m = Pattern.compile("\"" + key + "\":(\\d+)").matcher(body);
                if (!m.find()) {
                    throw new IllegalStateException("/stats has no " + key + ": " + body);
                }
                out.put(key, Long.parseLong(m.group(1)));
            }
            return out;
        }
    }
}
