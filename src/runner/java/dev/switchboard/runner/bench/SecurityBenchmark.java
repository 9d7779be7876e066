package dev.switchboard.runner.bench;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What security costs: CONNECTs a second on fresh connections with no token, an HS256 token and an
 * RS256 token (each against a server configured for it), and the fan-out to 1000 subscribers with a
 * 20-rule rules file against none, in fresh server JVMs with the benchmark's flags.
 *
 * <p>{@code mvn -q package -DskipTests exec:exec -Dswitchboard.main=dev.switchboard.runner.bench.SecurityBenchmark
 * -Dswitchboard.main.args="--rounds 3"}
 */
public final class SecurityBenchmark {

    private SecurityBenchmark() {
    }

    static final String SECRET = "a-benchmark-secret-that-is-at-least-32-bytes-long";

    public static void main(String[] args) throws Exception {
        Path war = null;
        int rounds = 3;
        int connects = 1000;
        double seconds = 5;
        for (int i = 0; i < args.length; i += 2) {
            switch (args[i]) {
                case "--war" -> war = Path.of(args[i + 1]);
                case "--rounds" -> rounds = Integer.parseInt(args[i + 1]);
                case "--connects" -> connects = Integer.parseInt(args[i + 1]);
                case "--seconds" -> seconds = Double.parseDouble(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        Path dir = Path.of("target", "security-benchmark");
        Files.createDirectories(dir);
        RSAKey rsa = new RSAKeyGenerator(2048).generate();
        Path pem = dir.resolve("public.pem");
        Files.writeString(pem, "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes())
                .encodeToString(rsa.toRSAPublicKey().getEncoded()) + "\n-----END PUBLIC KEY-----\n");
        Path rules = dir.resolve("rules.txt");
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 19; i++) {
            lines.add((i % 2 == 0 ? "SUBSCRIBE" : "SEND") + " /queue/unrelated" + i + "/** role:r" + i);
        }
        lines.add("* /topic/** permitAll");
        Files.write(rules, lines);

        Map<String, List<Double>> rates = new LinkedHashMap<>();
        Map<String, List<Double>> fanOut = new LinkedHashMap<>();
        for (int round = 0; round < rounds; round++) {
            rates.computeIfAbsent("no token", k -> new ArrayList<>()).add(connectRate(war, Map.of(), null, connects));
            rates.computeIfAbsent("HS256", k -> new ArrayList<>()).add(connectRate(war,
                    Map.of("SWITCHBOARD_JWT_SECRET", SECRET), new MACSigner(SECRET.getBytes()), connects));
            rates.computeIfAbsent("RS256", k -> new ArrayList<>()).add(connectRate(war,
                    Map.of("SWITCHBOARD_JWT_PUBLIC_KEY", pem.toAbsolutePath().toString()), new RSASSASigner(rsa), connects));
            fanOut.computeIfAbsent("no rules", k -> new ArrayList<>()).add(fanOut(war, Map.of(), seconds));
            fanOut.computeIfAbsent("20 rules", k -> new ArrayList<>()).add(fanOut(war,
                    Map.of("SWITCHBOARD_SECURITY_RULES", rules.toAbsolutePath().toString()), seconds));
        }
        System.out.printf(Locale.ROOT, "%nCONNECTs a second, %d fresh connections, 8 at a time (%d rounds; median, min, max)%n",
                connects, rounds);
        rates.forEach((k, v) -> System.out.printf(Locale.ROOT, "%-12s %8.0f %8.0f %8.0f%n", k, median(v),
                v.stream().mapToDouble(d -> d).min().orElse(0), v.stream().mapToDouble(d -> d).max().orElse(0)));
        System.out.printf(Locale.ROOT, "%nFan-out to 1000 subscribers, deliveries a second at 2000 msg/s offered for %.0f s"
                + " (%d rounds; median, min, max)%n", seconds, rounds);
        fanOut.forEach((k, v) -> System.out.printf(Locale.ROOT, "%-12s %10.0f %10.0f %10.0f%n", k, median(v),
                v.stream().mapToDouble(d -> d).min().orElse(0), v.stream().mapToDouble(d -> d).max().orElse(0)));
    }

    private static double connectRate(Path war, Map<String, String> settings, JWSSigner signer, int n) throws Exception {
        try (ServerProcess server = ServerProcess.switchboard(war, StompBenchmark.SERVER_FLAGS, settings, "Switchboard")) {
            URI uri = URI.create("ws://127.0.0.1:" + server.port + server.stompPath);
            HttpClient http = HttpClient.newHttpClient();
            String token = signer == null ? null : token(signer, signer instanceof MACSigner ? JWSAlgorithm.HS256
                    : JWSAlgorithm.RS256);
            connects(http, uri, token, 200); // warm-up
            long start = System.nanoTime();
            connects(http, uri, token, n);
            double rate = n / ((System.nanoTime() - start) / 1e9);
            StompBenchmark.log("%s: %.0f CONNECTs/s", signer == null ? "no token" : signer.getClass().getSimpleName(), rate);
            return rate;
        }
    }

    private static void connects(HttpClient http, URI uri, String token, int n) throws Exception {
        ExecutorService workers = Executors.newFixedThreadPool(8);
        AtomicInteger left = new AtomicInteger(n);
        List<Future<?>> done = new ArrayList<>();
        for (int w = 0; w < 8; w++) {
            done.add(workers.submit(() -> {
                while (left.getAndDecrement() > 0) {
                    CompletableFuture<String> connected = new CompletableFuture<>();
                    WebSocket ws = http.newWebSocketBuilder().subprotocols("v12.stomp").buildAsync(uri, new WebSocket.Listener() {
                        final StringBuilder text = new StringBuilder();

                        @Override
                        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                            text.append(data);
                            if (last) {
                                connected.complete(text.toString());
                            }
                            webSocket.request(1);
                            return null;
                        }
                    }).get(10, TimeUnit.SECONDS);
                    ws.sendText("CONNECT\naccept-version:1.2\nheart-beat:0,0\n"
                            + (token == null ? "" : "Authorization:Bearer " + token + "\n") + "\n\0", true);
                    String answer = connected.get(10, TimeUnit.SECONDS);
                    if (!answer.startsWith("CONNECTED")) {
                        throw new IllegalStateException("not connected: " + answer);
                    }
                    ws.abort();
                }
                return null;
            }));
        }
        for (Future<?> f : done) {
            f.get(5, TimeUnit.MINUTES);
        }
        workers.shutdown();
    }

    private static String token(JWSSigner signer, JWSAlgorithm alg) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader(alg), new JWTClaimsSet.Builder().subject("bench")
                .expirationTime(Date.from(Instant.now().plusSeconds(3600))).build());
        jwt.sign(signer);
        return jwt.serialize();
    }

    private static double fanOut(Path war, Map<String, String> settings, double seconds) throws Exception {
        try (ServerProcess server = ServerProcess.switchboard(war, StompBenchmark.SERVER_FLAGS, settings, "Switchboard");
             ClientLoop loop = new ClientLoop("security-bench", StompBenchmark.CLIENT_THREADS)) {
            StompLoad load = new StompLoad(loop, server);
            try (StompLoad.FanOut fan = load.new FanOut("/topic/fan", 1000)) {
                fan.step(500, 2); // warm-up
                StompLoad.Step step = fan.step(2000, seconds);
                StompBenchmark.log("%s: %.0f deliveries/s", settings.isEmpty() ? "no rules" : "20 rules",
                        step.deliveredPerSec());
                return step.deliveredPerSec();
            }
        }
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(Double::compare);
        return sorted.get(sorted.size() / 2);
    }
}
