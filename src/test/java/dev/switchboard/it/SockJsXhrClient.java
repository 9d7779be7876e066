package dev.switchboard.it;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.StringReader;
import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A SockJS client over the {@code xhr_streaming} transport with its own cookie jar, as a browser
 * tab would be: {@code /info}, then one streaming POST that stays open and {@code xhr_send} POSTs.
 * It reads the STOMP frames its session receives.
 */
final class SockJsXhrClient implements AutoCloseable {

    private final HttpClient http;
    private final URI session;
    private final InputStream stream;
    private final LinkedBlockingQueue<String> messages = new LinkedBlockingQueue<>();
    private final StringBuilder pending = new StringBuilder();

    private SockJsXhrClient(HttpClient http, URI session, InputStream stream) {
        this.http = http;
        this.session = session;
        this.stream = stream;
    }

    /** Opens a session under {@code service} (ending in '/') and returns once its open frame came. */
    static SockJsXhrClient open(URI service) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .cookieHandler(new CookieManager()).connectTimeout(Duration.ofSeconds(5)).build();
        HttpResponse<String> info = http.send(HttpRequest.newBuilder(service.resolve("info")).build(),
                HttpResponse.BodyHandlers.ofString());
        if (info.statusCode() != 200) {
            throw new IOException("info: " + info.statusCode());
        }
        URI session = service.resolve("000/" + UUID.randomUUID().toString().replace("-", "") + "/");
        HttpResponse<InputStream> streaming = http.send(HttpRequest.newBuilder(session.resolve("xhr_streaming"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofInputStream());
        if (streaming.statusCode() != 200) {
            throw new IOException("xhr_streaming: " + streaming.statusCode());
        }
        SockJsXhrClient client = new SockJsXhrClient(http, session, streaming.body());
        Thread reader = new Thread(client::read, "sockjs-xhr-client");
        reader.setDaemon(true);
        reader.start();
        String first = client.messages.poll(10, TimeUnit.SECONDS);
        if (!"o".equals(first)) {
            throw new IOException("expected the open frame, got " + first);
        }
        return client;
    }

    private void read() {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                if (line.equals("o") || line.startsWith("c[")) {
                    messages.add(line);
                } else if (line.startsWith("a[")) {
                    JsonArray array = Json.createReader(new StringReader(line.substring(1))).readArray();
                    for (int i = 0; i < array.size(); i++) {
                        messages.add("m" + array.getString(i));
                    }
                } // the 2 KiB prelude of 'h's and heart-beats ('h') carry nothing
            }
        } catch (IOException e) {
            messages.add("c[\"" + e + "\"]");
        }
    }

    /** Sends one SockJS message (text: STOMP frames) through {@code xhr_send}. */
    void send(String text) throws IOException, InterruptedException {
        HttpResponse<String> sent = http.send(HttpRequest.newBuilder(session.resolve("xhr_send"))
                .header("Content-Type", "text/plain;charset=UTF-8")
                .POST(HttpRequest.BodyPublishers.ofString(Json.createArrayBuilder().add(text).build().toString()))
                .build(), HttpResponse.BodyHandlers.ofString());
        if (sent.statusCode() != 204) {
            throw new IOException("xhr_send answered " + sent.statusCode() + ": " + sent.body());
        }
    }

    /** The next STOMP frame received, NUL included, heart-beat newlines dropped; fails after 10 s. */
    String nextFrame() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            while (pending.length() > 0 && pending.charAt(0) == '\n') {
                pending.deleteCharAt(0);
            }
            int nul = pending.indexOf("\0");
            if (nul >= 0) {
                String frame = pending.substring(0, nul + 1);
                pending.delete(0, nul + 1);
                return frame;
            }
            String m = messages.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (m == null) {
                throw new AssertionError("no STOMP frame within 10 s; have " + pending);
            }
            if (!m.startsWith("m")) {
                throw new AssertionError("the session ended: " + m);
            }
            pending.append(m, 1, m.length());
        }
    }

    /** Waits (10 s at most) for the session's close frame, skipping what comes before it; returns it ({@code c[code,"reason"]}). */
    String awaitCloseFrame() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            String m = messages.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (m == null) {
                throw new AssertionError("no close frame within 10 s");
            }
            if (m.startsWith("c[")) {
                return m;
            }
        }
    }

    @Override
    public void close() {
        try {
            stream.close();
        } catch (IOException e) {
            // closing is all that is wanted
        }
    }
}
