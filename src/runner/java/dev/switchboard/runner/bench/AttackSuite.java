package dev.switchboard.runner.bench;

import dev.switchboard.testing.RawWebSocket;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The attacks of issue 12 at full strength, one after the other, each for a fixed time beside one
 * polite client doing round trips from 127.0.0.1, against Switchboard with its default limits
 * (attackers connect from addresses of their own, 127.0.0.2 and up, as clients on other machines
 * would). Prints per attack: the polite client's p50/p99 round trip during the attack next to its
 * unloaded figures, the server's heap (the peak of what it used, garbage included, and what is
 * live after a full GC near the end of the attack) next to the memory budget, whether
 * {@code /health} answered all along, and what the attacker got. An attacker refused with 429
 * tries again after 100 ms, except in the handshake flood, which has its own row. The attacker
 * runs in a JVM of its own (this class's {@code main}), so that its allocation and GC do not
 * pause the polite client. With a warm-up ({@code --attack-warmup S}), each attack first runs for S
 * seconds unmeasured from another address (127.0.0.3), so that the measured run meets a server
 * whose code for it is compiled already, as a node in service has compiled what its clients use.
 *
 * <pre>
 * mvn -q package -DskipTests exec:exec -Dswitchboard.main=dev.switchboard.runner.bench.StompBenchmark \
 *     -Dswitchboard.main.args="--attacks true --attack-seconds 30" -Dswitchboard.jvm.args=-Xmx2g
 * </pre>
 */
final class AttackSuite {

    /** The attacker: one client, as in the issue, from an address of its own. */
    private static final String ATTACKER = "127.0.0.2";

    /** Where a warm-up's attacker comes from: not the measured attacker's address, whose limits stay untouched. */
    private static final String WARM_UP_ADDRESS = "127.0.0.3";

    /** How long an attacker refused with 429 waits before it tries again (outside the handshake flood). */
    private static final long RETRY_MILLIS = 100;

    private static final Pattern NUMBER = Pattern.compile("\"(heapUsed|used|max)\":(\\d+)");

    private final ServerProcess server;
    private final double seconds;
    private final URI stomp;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /** What an attack's threads saw, by outcome ("receipt", "ERROR: ...", "refused 429", "closed"...). */
    private final Map<String, LongAdder> outcomes = new ConcurrentHashMap<>();

    /** Runs only the attacks whose name contains this (and the unloaded row); null: all. */
    private final String only;

    /** In the attacker's own JVM: the one attack it runs (exact name); null in the measuring JVM. */
    private final String attackerOf;
    private final int port;
    /** The attacker's address (the warm-up's in a warm-up's JVM). */
    private final String attacker;
    private final double warmUp;

    private AttackSuite(ServerProcess server, int port, double seconds, String only, String attackerOf, String attacker,
                        double warmUp) {
        this.server = server;
        this.port = port;
        this.seconds = seconds;
        this.only = only;
        this.attackerOf = attackerOf;
        this.attacker = attacker;
        this.warmUp = warmUp;
        this.stomp = URI.create("ws://127.0.0.1:" + port + "/stomp");
    }

    /**
     * The attacker's JVM: {@code PORT SECONDS NAME ADDRESS} runs that attack for that long from that
     * address against the server on that port, then prints what it got, one
     * {@code OUTCOME<tab>count<tab>what} a line.
     * A JVM of its own, so that the attacker's allocation and GC do not stop the polite client.
     */
    public static void main(String[] args) throws Exception {
        new AttackSuite(null, Integer.parseInt(args[0]), Double.parseDouble(args[1]), null, args[2], args[3], 0).all();
    }

    static void run(Path war, double seconds, String only, double warmUp) throws Exception {
        try (ServerProcess server = ServerProcess.switchboard(war, StompBenchmark.SERVER_FLAGS, Map.of(),
                "Switchboard (default limits)", false)) {
            new AttackSuite(server, server.port, seconds, only, null, ATTACKER, warmUp).all();
        }
    }

    private interface Attack {
        /** Runs until {@code stop}; one thread of several. */
        void run(int thread, AtomicBoolean stop) throws Exception;
    }

    private void all() throws Exception {
        String stats = attackerOf == null ? stats() : "";
        long budget = value(stats, "max");
        if (attackerOf == null) {
            StompBenchmark.log("=== attack suite on port %d, server %s, memory budget %d MiB, %.0f s per attack%s",
                    port, String.join(" ", StompBenchmark.SERVER_FLAGS), budget >> 20, seconds,
                    warmUp > 0 ? String.format(", each after a %.0f-s warm-up from %s", warmUp, WARM_UP_ADDRESS) : "");
        }
        Map<String, Row> rows = new LinkedHashMap<>();
        rows.put("none (unloaded)", measure("none", 0, (t, stop) -> { }));
        String body = "q".repeat(60_000);
        rows.put("60 KB SENDs to 8 queues nobody reads", measure("queue flood", 8, (t, stop) -> {
            try (RawWebSocket ws = connected(attacker)) {
                for (int i = 0; !stop.get(); i++) {
                    ws.sendText("SEND\ndestination:/queue/nobody." + (i % 8) + "\nreceipt:r\n\n" + body + "\0");
                    if (!answered(ws)) {
                        return;
                    }
                }
            }
        }));
        String partial = "CONNECT\naccept-version:1.2\n\n" + "p".repeat(65_000);
        rows.put("unconnected sockets with 65 KB partial frames", measure("partial frames", 8,
                (t, stop) -> holdPartialFrames(stop, partial, i -> attacker)));
        rows.put("the same from 400 addresses (a botnet)", measure("partial frames, 400 addresses", 8,
                (t, stop) -> holdPartialFrames(stop, partial, i -> address(t * 50 + i % 50))));
        String pattern = "/topic/" + "**a".repeat(7) + "**b";
        String destination = "/topic/" + "a".repeat(200);
        rows.put("backtracking pattern + SENDs that almost match", measure("pattern", 4, (t, stop) -> {
            try (RawWebSocket ws = connected(attacker)) {
                ws.sendText("SUBSCRIBE\nid:p\ndestination:" + pattern + "\n\n\0");
                for (int i = 0; !stop.get(); i++) {
                    ws.sendText("SEND\ndestination:" + destination + "\nreceipt:r\n\nx\0");
                    if (!answered(ws)) {
                        return;
                    }
                }
            }
        }));
        rows.put("transactions of 60 KB SENDs never committed", measure("transactions", 8, (t, stop) -> {
            try (RawWebSocket ws = connected(attacker)) {
                ws.sendText("BEGIN\ntransaction:t\n\n\0");
                for (int i = 0; !stop.get(); i++) {
                    ws.sendText("SEND\ndestination:/topic/tx\ntransaction:t\nreceipt:r\n\n" + body + "\0");
                    if (!answered(ws)) {
                        return;
                    }
                }
            }
        }));
        String chat = "{\"text\":\"" + "h".repeat(1900) + "\"}";
        rows.put("chat messages to 1000 rooms nobody joined", measure("chat rooms", 4, (t, stop) -> {
            try (RawWebSocket ws = connected(attacker)) {
                for (int i = 0; !stop.get(); i++) {
                    ws.sendText("SEND\ndestination:/app/chat/room" + (i % 1000) + "\nreceipt:r\n\n" + chat + "\0");
                    if (!answered(ws)) {
                        return;
                    }
                }
            }
        }));
        rows.put("handshakes as fast as possible", measure("handshakes", 4, (t, stop) -> {
            while (!stop.get()) {
                try (RawWebSocket ws = RawWebSocket.open(stomp, attacker)) {
                    count("socket opened");
                } catch (RawWebSocket.Refused r) {
                    count("refused " + r.status);
                }
            }
        }));
        if (attackerOf != null) {
            return; // the attacker's JVM: its counts are printed, the table is the other JVM's
        }
        double unloaded = rows.get("none (unloaded)").p99();
        StompBenchmark.log("");
        StompBenchmark.log("| attack (%d s each, default limits) | polite p50 / p99 ms | p99 vs unloaded | server heap:"
                + " used peak / live after GC, MB (budget %d) | /health | what the attacker got |", (int) seconds, budget >> 20);
        StompBenchmark.log("|---|---|---|---|---|---|");
        rows.forEach((attack, r) -> StompBenchmark.log("| %s | %.2f / %.2f | %.2fx | %d / %d | %s | %s |", attack, r.p50(),
                r.p99(), r.p99() / unloaded, r.heapPeakMb(), r.liveHeapMb(), r.health(), r.got()));
    }

    /** One attack's figures. */
    private record Row(double p50, double p99, long heapPeakMb, long liveHeapMb, String health, String got) { }

    /** One attack with {@code threads} attacker threads beside the polite client; the figures as one row. */
    private Row measure(String name, int threads, Attack attack) throws Exception {
        Row notRun = new Row(Double.NaN, Double.NaN, 0, 0, "not run", "-");
        if (attackerOf != null) {
            if (name.equals(attackerOf)) {
                attack(name, threads, attack, seconds);
                outcomes.forEach((what, n) -> System.out.println("OUTCOME\t" + n.sum() + "\t" + what));
            }
            return notRun;
        }
        if (only != null && !name.equals("none") && !name.contains(only)) {
            return notRun;
        }
        if (warmUp > 0 && threads > 0) {
            Process warming = attackerProcess(name, warmUp, WARM_UP_ADDRESS);
            outcomes.clear();
            readOutcomes(warming); // waits for it; what it got is not this row's
            StompBenchmark.log("%s: warmed up for %.0f s (%s)", name, warmUp, outcomes);
            Thread.sleep(2000); // what the warm-up left is released (closed sessions) before the measured run
        }
        outcomes.clear();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong heapPeak = new AtomicLong();
        AtomicLong healthFailures = new AtomicLong();
        Process attacker = threads == 0 ? null : attackerProcess(name, seconds + 3, this.attacker);
        Thread watcher = new Thread(() -> {
            while (!stop.get()) {
                try {
                    heapPeak.accumulateAndGet(value(stats(), "heapUsed"), Math::max);
                    HttpResponse<String> health = http.send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + port + "/health")).timeout(Duration.ofSeconds(2))
                            .build(), HttpResponse.BodyHandlers.ofString());
                    if (health.statusCode() != 200) {
                        healthFailures.incrementAndGet();
                    }
                    Thread.sleep(200);
                } catch (IOException e) {
                    healthFailures.incrementAndGet();
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "attack-watcher");
        watcher.setDaemon(true);
        watcher.start();
        double[] trips = politeRoundTrips(seconds);
        long live = server.heapAfterGc(); // what the attack holds, while it still holds it
        stop.set(true);
        if (attacker != null) {
            readOutcomes(attacker);
        }
        watcher.join(5_000);
        Arrays.sort(trips);
        String got = outcomes.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .map(e -> e.getValue().sum() + " " + e.getKey()).reduce((a, b) -> a + ", " + b).orElse("-");
        Row row = new Row(percentile(trips, 0.50), percentile(trips, 0.99), heapPeak.get() >> 20, live >> 20,
                healthFailures.get() == 0 ? "answered" : healthFailures.get() + " failures", got);
        StompBenchmark.log("%s: %s (%d round trips)", name, row, trips.length);
        Thread.sleep(2000); // what the attack left is released (closed sessions) before the next
        return row;
    }

    /** Runs {@code threads} attacker threads for {@code secs}, in this JVM (the attacker's). */
    private void attack(String name, int threads, Attack attack, double secs) throws InterruptedException {
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> running = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            Thread thread = new Thread(() -> {
                while (!stop.get()) {
                    try {
                        attack.run(id, stop);
                    } catch (Exception e) {
                        count("attacker connection ended: " + e.getClass().getSimpleName());
                    }
                }
            }, "attack-" + name + "-" + t);
            thread.setDaemon(true);
            thread.start();
            running.add(thread);
        }
        Thread.sleep((long) (secs * 1000));
        stop.set(true);
        for (Thread t : running) {
            t.join(10_000);
        }
    }

    /**
     * The attack's own JVM, attacking for the polite client's time plus the heap measurement
     * after it (so the server still holds what the attack made it hold when it is measured).
     */
    private Process attackerProcess(String name, double secs, String address) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-Xmx512m", "-cp", System.getProperty("java.class.path"),
                AttackSuite.class.getName(), String.valueOf(port), String.valueOf(secs), name, address)
                .redirectErrorStream(true).redirectOutput(ATTACKER_LOG.toFile()).start();
    }

    private static final Path ATTACKER_LOG = Path.of("target", "attack-suite-attacker.log");

    /** Waits for the attacker's JVM to end and takes its counts from its output. */
    private void readOutcomes(Process attacker) throws Exception {
        if (!attacker.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
            attacker.destroyForcibly();
            count("attacker JVM did not end");
        }
        boolean any = false;
        for (String line : java.nio.file.Files.readAllLines(ATTACKER_LOG)) {
            String[] parts = line.split("\t", 3);
            if (parts.length == 3 && parts[0].equals("OUTCOME")) {
                outcomes.computeIfAbsent(parts[2], k -> new LongAdder()).add(Long.parseLong(parts[1]));
                any = true;
            }
        }
        if (!any || attacker.exitValue() != 0) {
            throw new IllegalStateException("the attacker's JVM failed (exit " + attacker.exitValue() + "): see "
                    + ATTACKER_LOG);
        }
    }

    /**
     * Opens sockets (up to 1300 a thread) that each send a CONNECT with 65 KB of body and no NUL,
     * and keeps them until {@code stop}.
     */
    private void holdPartialFrames(AtomicBoolean stop, String partial, java.util.function.IntFunction<String> from)
            throws InterruptedException {
        List<RawWebSocket> held = new ArrayList<>();
        try {
            for (int i = 0; !stop.get() && held.size() < 1300; i++) {
                try {
                    RawWebSocket ws = RawWebSocket.open(stomp, from.apply(i));
                    held.add(ws);
                    ws.sendText(partial);
                    count("socket opened");
                } catch (RawWebSocket.Refused r) {
                    count("refused " + r.status);
                    Thread.sleep(RETRY_MILLIS);
                } catch (IOException e) {
                    count("closed by the server");
                }
            }
            while (!stop.get()) {
                Thread.sleep(100);
            }
        } finally {
            held.forEach(RawWebSocket::close);
        }
    }

    /** Round trips (SEND with receipt to a topic it listens to) one after the other for {@code secs}; in ms. */
    private double[] politeRoundTrips(double secs) throws Exception {
        List<Double> out = new ArrayList<>();
        try (RawWebSocket polite = connected("127.0.0.1")) {
            polite.sendText("SUBSCRIBE\nid:p\ndestination:/topic/polite\nreceipt:s\n\n\0");
            polite.read(Duration.ofSeconds(5));
            long end = System.nanoTime() + (long) (secs * 1e9);
            for (int i = 0; System.nanoTime() < end; i++) {
                long start = System.nanoTime();
                polite.sendText("SEND\ndestination:/topic/polite\nreceipt:r" + i + "\n\nping\0");
                boolean message = false;
                boolean receipt = false;
                while (!message || !receipt) {
                    RawWebSocket.Frame f = polite.read(Duration.ofSeconds(10));
                    if (f == null) {
                        throw new IOException("the polite client got no answer in 10 s");
                    }
                    for (String frame : f.text().split("\0")) {
                        message |= frame.startsWith("MESSAGE");
                        receipt |= frame.startsWith("RECEIPT");
                    }
                }
                out.add((System.nanoTime() - start) / 1e6);
                Thread.sleep(10);
            }
        }
        return out.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /**
     * A STOMP session from {@code address}. A refused handshake is counted and retried after
     * {@link #RETRY_MILLIS}, so that each attack's row measures that attack rather than a flood of
     * handshakes (which has a row of its own, with no pause).
     */
    private RawWebSocket connected(String address) throws IOException {
        RawWebSocket ws;
        try {
            ws = RawWebSocket.open(stomp, address);
        } catch (RawWebSocket.Refused r) {
            count("refused " + r.status);
            try {
                Thread.sleep(RETRY_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            throw r;
        }
        ws.sendText("CONNECT\naccept-version:1.2\nheart-beat:0,0\n\n\0");
        RawWebSocket.Frame f = ws.read(Duration.ofSeconds(10));
        if (f == null || !f.text().startsWith("CONNECTED")) {
            ws.close();
            throw new IOException("not connected: " + (f == null ? "no answer" : f.text()));
        }
        return ws;
    }

    /** Reads the answer to a frame sent with a receipt: true for a RECEIPT, false (counted) for an ERROR or close. */
    private boolean answered(RawWebSocket ws) throws IOException {
        RawWebSocket.Frame f = ws.read(Duration.ofSeconds(10));
        if (f == null) {
            count("no answer in 10 s");
            return false;
        }
        String text = f.text();
        if (text.startsWith("RECEIPT") || text.startsWith("MESSAGE")) {
            count("receipt");
            return true;
        }
        if (text.startsWith("ERROR")) {
            int at = text.indexOf("message:");
            count("ERROR " + (at < 0 ? "" : text.substring(at + 8, text.indexOf('\n', at))));
            return false;
        }
        count(f.opcode() == 8 ? "closed " + f.closeCode() : "other");
        return false;
    }

    private void count(String outcome) {
        outcomes.computeIfAbsent(outcome, k -> new LongAdder()).increment();
    }

    /** Attacker {@code n}'s source address: 127.0.0.2 and up. */
    private static String address(int n) {
        return "127.0." + (n / 250) + "." + (n % 250 + 2);
    }

    private String stats() throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/stats"))
                .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    private static long value(String json, String name) {
        Matcher m = NUMBER.matcher(json);
        while (m.find()) {
            if (m.group(1).equals(name)) {
                return Long.parseLong(m.group(2));
            }
        }
        return -1;
    }

    private static double percentile(double[] sorted, double p) {
        return sorted.length == 0 ? Double.NaN : sorted[Math.min(sorted.length - 1, (int) (p * sorted.length))];
    }
}
