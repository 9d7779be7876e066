package dev.switchboard.testing;

import dev.switchboard.stomp.StompCommand;
import dev.switchboard.stomp.StompDecoder;
import dev.switchboard.stomp.StompEncoder;
import dev.switchboard.stomp.StompFrame;
import dev.switchboard.stomp.StompVersion;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Map;

/**
 * A raw STOMP client for protocol tests: writes exactly the frames (or bytes) a test gives and
 * parses what comes back with the project's decoder, several frames per message included.
 * Heart-beats received are counted, not returned as frames.
 */
public final class StompTestClient implements AutoCloseable {

    private final TestSocket socket;
    private final StompDecoder decoder = new StompDecoder(new StompDecoder.Limits(16 << 20, 1000, 1 << 20),
            StompVersion.V1_2);
    private final ArrayDeque<StompFrame> frames = new ArrayDeque<>();
    private StompVersion version = StompVersion.V1_2;
    private int heartbeats;
    private String malformed;
    private StompFrame connected;

    private StompTestClient(TestSocket socket) {
        this.socket = socket;
    }

    /** Opens the WebSocket (offering the three STOMP subprotocols) without sending CONNECT. */
    public static StompTestClient open(URI stomp) throws TestSocket.Refused {
        return new StompTestClient(TestSocket.connect(stomp, Map.of(), "v12.stomp", "v11.stomp", "v10.stomp"));
    }

    public static StompTestClient open(URI stomp, String... subprotocols) throws TestSocket.Refused {
        return new StompTestClient(TestSocket.connect(stomp, Map.of(), subprotocols));
    }

    /** Opens with these HTTP headers on the upgrade request, offering STOMP 1.2. */
    public static StompTestClient open(URI stomp, Map<String, String> httpHeaders) throws TestSocket.Refused {
        return new StompTestClient(TestSocket.connect(stomp, httpHeaders, "v12.stomp"));
    }

    /** Opens and connects with STOMP 1.2 and no heart-beats; returns after CONNECTED. */
    public static StompTestClient connect(URI stomp, String... extraHeaders) throws TestSocket.Refused {
        return connected(open(stomp), extraHeaders);
    }

    /** As {@link #connect(URI, String...)}, through a client of the caller's (one trusting a test key, say). */
    public static StompTestClient connect(java.net.http.HttpClient http, URI stomp) throws TestSocket.Refused {
        return connected(new StompTestClient(TestSocket.connect(http, stomp, "v12.stomp")));
    }

    private static StompTestClient connected(StompTestClient client, String... extraHeaders) {
        String[] headers = new String[4 + extraHeaders.length];
        headers[0] = "accept-version";
        headers[1] = "1.2";
        headers[2] = "heart-beat";
        headers[3] = "0,0";
        System.arraycopy(extraHeaders, 0, headers, 4, extraHeaders.length);
        client.send(StompFrame.of(StompCommand.CONNECT, headers));
        client.connected = client.expect(StompCommand.CONNECTED);
        return client;
    }

    /** The CONNECTED frame {@link #connect} got (its {@code session} header, say); null otherwise. */
    public StompFrame connected() {
        return connected;
    }

    public TestSocket socket() {
        return socket;
    }

    /** Sets the version used to escape what this client sends and to read what it receives. */
    public void version(StompVersion v) {
        version = v;
        decoder.version(v);
    }

    public void send(StompFrame frame) {
        socket.sendText(StompEncoder.encodeText(frame, version));
    }

    public void sendRaw(String text) {
        socket.sendText(text);
    }

    /** The next frame, failing when none comes within 10 s. */
    public StompFrame next() {
        StompFrame f = poll(Duration.ofSeconds(10));
        if (f == null) {
            throw new AssertionError("no STOMP frame within 10 s" + (socket.isClosed() ? "; closed" : ""));
        }
        return f;
    }

    /** The next frame, or null when none comes in time. */
    public StompFrame poll(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (frames.isEmpty()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return null;
            }
            Object message = socket.poll(Duration.ofNanos(left));
            if (message == null) {
                return null;
            }
            ByteBuffer bytes = message instanceof String s ? ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8))
                    : (ByteBuffer) message;
            CollectingSink sink = new CollectingSink();
            decoder.feed(bytes, sink);
            frames.addAll(sink.frames);
            heartbeats += sink.heartbeats;
            malformed = sink.malformed;
            if (malformed != null) {
                throw new AssertionError("the server sent a malformed frame: " + malformed);
            }
        }
        return frames.poll();
    }

    /** The next frame, which must have this command (an ERROR's message and body are shown if not). */
    public StompFrame expect(StompCommand command) {
        StompFrame f = next();
        if (f.command() != command) {
            throw new AssertionError("expected " + command + ", got " + f + (f.body().length > 0 ? ": " + f.bodyText() : ""));
        }
        return f;
    }

    public int heartbeatsReceived() {
        return heartbeats;
    }

    @Override
    public void close() {
        socket.close();
    }
}
