package dev.switchboard.runner.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * The round trip through an {@code /app} handler, one client sending and waiting for the answer,
 * for two WARs in one run (say the one built before a change, {@code --before PATH}, and the
 * current one, {@code --war PATH}), started alternately in fresh server JVMs with the benchmark's
 * flags. Two handlers both WARs serve: {@code /app/echo} (the payload as a {@code String}, the
 * answer a JSON record on {@code /topic/messages}) and {@code /app/chat/bench} (the payload a JSON
 * class, {@code ChatMessage}, the answer the chat's JSON on {@code /topic/chat.bench}).
 *
 * <p>{@code mvn -q package -DskipTests exec:exec -Dswitchboard.main=dev.switchboard.runner.bench.AppRoundTripBenchmark
 * -Dswitchboard.main.args="--before /tmp/switchboard-before.war --rounds 3"}
 */
public final class AppRoundTripBenchmark {

    private AppRoundTripBenchmark() {
    }

    private record Kind(String name, String destination, String topic, String body) {
    }

    private static final List<Kind> KINDS = List.of(
            new Kind("String payload (/app/echo)", "/app/echo", "/topic/messages", "hello"),
            new Kind("JSON payload class (/app/chat/bench)", "/app/chat/bench", "/topic/chat.bench",
                    "{\"type\":\"TALK\",\"sender\":\"bench\",\"text\":\"hello\"}"));

    public static void main(String[] args) throws Exception {
        Path war = null;
        Path before = null;
        int rounds = 3;
        int count = 5000;
        for (int i = 0; i < args.length; i += 2) {
            switch (args[i]) {
                case "--war" -> war = Path.of(args[i + 1]);
                case "--before" -> before = Path.of(args[i + 1]);
                case "--rounds" -> rounds = Integer.parseInt(args[i + 1]);
                case "--count" -> count = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        Map<String, Path> wars = new LinkedHashMap<>();
        if (before != null) {
            wars.put("before", before);
        }
        wars.put("after", war);
        Map<String, List<Long>> nanos = new LinkedHashMap<>();
        for (int round = 0; round < rounds; round++) {
            for (Map.Entry<String, Path> w : wars.entrySet()) {
                try (ServerProcess server = ServerProcess.switchboard(w.getValue(), StompBenchmark.SERVER_FLAGS)) {
                    for (Kind kind : KINDS) {
                        List<Long> times = roundTrips(server, kind, count);
                        nanos.computeIfAbsent(w.getKey() + " " + kind.name(), k -> new ArrayList<>()).addAll(times);
                        StompBenchmark.log("round %d %s %s: median %.0f us", round + 1, w.getKey(), kind.name(),
                                percentile(times, 0.5) / 1e3);
                    }
                }
            }
        }
        System.out.printf(Locale.ROOT, "%nRound trip through an /app handler, one client, sequential (%d rounds x %d, "
                + "after %d warm-up each; us)%n", rounds, count, count / 2);
        System.out.printf(Locale.ROOT, "%-50s %8s %8s %8s %10s%n", "WAR and handler", "p50", "p90", "p99", "per second");
        for (Kind kind : KINDS) {
            for (String w : wars.keySet()) {
                List<Long> t = nanos.get(w + " " + kind.name());
                double total = t.stream().mapToLong(Long::longValue).sum() / 1e9;
                System.out.printf(Locale.ROOT, "%-50s %8.0f %8.0f %8.0f %10.0f%n", w + ": " + kind.name(),
                        percentile(t, 0.5) / 1e3, percentile(t, 0.9) / 1e3, percentile(t, 0.99) / 1e3, t.size() / total);
            }
        }
    }

    private static List<Long> roundTrips(ServerProcess server, Kind kind, int count) throws Exception {
        BlockingQueue<String> frames = new ArrayBlockingQueue<>(1024);
        StringBuilder partial = new StringBuilder();
        WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder().subprotocols("v12.stomp")
                .buildAsync(URI.create("ws://127.0.0.1:" + server.port + server.stompPath), new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                        partial.append(data);
                        if (last) {
                            for (String frame : partial.toString().split("\0")) {
                                if (!frame.isBlank()) {
                                    frames.add(frame.stripLeading());
                                }
                            }
                            partial.setLength(0);
                        }
                        webSocket.request(1);
                        return null;
                    }
                }).get(10, TimeUnit.SECONDS);
        try {
            ws.sendText("CONNECT\naccept-version:1.2\nheart-beat:0,0\n\n\0", true).join();
            expect(frames, "CONNECTED");
            ws.sendText("SUBSCRIBE\nid:0\ndestination:" + kind.topic() + "\nreceipt:s\n\n\0", true).join();
            String frame;
            do { // a chat room greets a subscriber (welcome, history) before the receipt
                frame = frames.poll(10, TimeUnit.SECONDS);
            } while (frame != null && frame.startsWith("MESSAGE\n"));
            if (frame == null || !frame.startsWith("RECEIPT\n")) {
                throw new IllegalStateException("no RECEIPT for SUBSCRIBE: " + frame);
            }
            String send = "SEND\ndestination:" + kind.destination() + "\ncontent-type:"
                    + (kind.body().startsWith("{") ? "application/json" : "text/plain") + "\n\n" + kind.body() + "\0";
            List<Long> times = new ArrayList<>(count);
            for (int i = 0; i < count + count / 2; i++) {
                long start = System.nanoTime();
                ws.sendText(send, true).join();
                expect(frames, "MESSAGE");
                if (i >= count / 2) {
                    times.add(System.nanoTime() - start);
                }
            }
            return times;
        } finally {
            ws.abort();
        }
    }

    private static void expect(BlockingQueue<String> frames, String command) throws Exception {
        String frame = frames.poll(10, TimeUnit.SECONDS);
        if (frame == null || !frame.startsWith(command + "\n")) {
            throw new IllegalStateException("expected " + command + ", got " + (frame == null ? "nothing in 10 s"
                    : frame.substring(0, Math.min(200, frame.length()))));
        }
    }

    private static double percentile(List<Long> values, double p) {
        long[] sorted = values.stream().mapToLong(Long::longValue).toArray();
        Arrays.sort(sorted);
        return sorted[Math.min(sorted.length - 1, (int) (p * sorted.length))];
    }
}
