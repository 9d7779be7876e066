package dev.switchboard.testing;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A WebSocket client for tests: the JDK's own (java.net.http), which nobody here wrote. Collects
 * whole messages and the close in queues to assert on.
 */
public final class TestSocket implements WebSocket.Listener, AutoCloseable {

    /** A close frame as the client received it. */
    public record Close(int code, String reason) {
    }

    /** The server refused the handshake with this HTTP status. */
    public static final class Refused extends Exception {
        public final int status;

        Refused(int status) {
            super("handshake refused with HTTP " + status);
            this.status = status;
        }
    }

    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final BlockingQueue<Object> messages = new LinkedBlockingQueue<>();
    private final CompletableFuture<Close> closed = new CompletableFuture<>();
    private final StringBuilder text = new StringBuilder();
    private ByteBuffer binary = ByteBuffer.allocate(0);
    private final boolean reading;
    private WebSocket socket;

    private TestSocket(boolean reading) {
        this.reading = reading;
    }

    public static TestSocket connect(URI uri) throws Refused {
        return connect(uri, Map.of());
    }

    /** Opens a WebSocket with extra request headers (Origin, Cookie...) and subprotocols offered. */
    public static TestSocket connect(URI uri, Map<String, String> headers, String... subprotocols) throws Refused {
        return connect(uri, true, headers, subprotocols);
    }

    /** A client that never reads what the server sends: a slow consumer, for tests of one. */
    public static TestSocket connectNotReading(URI uri) throws Refused {
        return connect(uri, false, Map.of());
    }

    /** Through a client of the caller's (one that trusts a test certificate, say). */
    public static TestSocket connect(HttpClient client, URI uri, String... subprotocols) throws Refused {
        return connect(client, uri, true, Map.of(), subprotocols);
    }

    private static TestSocket connect(URI uri, boolean reading, Map<String, String> headers, String... subprotocols)
            throws Refused {
        return connect(CLIENT, uri, reading, headers, subprotocols);
    }

    private static TestSocket connect(HttpClient client, URI uri, boolean reading, Map<String, String> headers,
                                      String... subprotocols) throws Refused {
        TestSocket listener = new TestSocket(reading);
        WebSocket.Builder builder = client.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5));
        headers.forEach(builder::header);
        if (subprotocols.length > 0) {
            builder.subprotocols(subprotocols[0], java.util.Arrays.copyOfRange(subprotocols, 1, subprotocols.length));
        }
        try {
            listener.socket = builder.buildAsync(uri, listener).get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof WebSocketHandshakeException refused) {
                throw new Refused(refused.getResponse().statusCode());
            }
            throw new IllegalStateException("connect to " + uri + " failed", e.getCause());
        } catch (InterruptedException | TimeoutException e) {
            throw new IllegalStateException("connect to " + uri + " failed", e);
        }
        return listener;
    }

    /** A client made {@link #connectNotReading not reading} starts reading (what waits in its socket first). */
    public void startReading() {
        socket.request(1);
    }

    public String subprotocol() {
        return socket.getSubprotocol();
    }

    public void sendText(String message) {
        socket.sendText(message, true).join();
    }

    public void sendBinary(ByteBuffer message) {
        socket.sendBinary(message, true).join();
    }

    /** Sends one part of a text message; the message ends with the part marked last. */
    public void sendTextPart(String part, boolean last) {
        socket.sendText(part, last).join();
    }

    /** The next whole message (a String or a ByteBuffer), or null when none comes in time. */
    public Object poll(Duration timeout) {
        try {
            return messages.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    /** The next whole text message, failing after 10 s. */
    public String nextText() {
        Object next = next();
        if (!(next instanceof String s)) {
            throw new AssertionError("expected a text message, got " + next);
        }
        return s;
    }

    public ByteBuffer nextBinary() {
        Object next = next();
        if (!(next instanceof ByteBuffer b)) {
            throw new AssertionError("expected a binary message, got " + next);
        }
        return b;
    }

    private Object next() {
        try {
            Object next = messages.poll(10, TimeUnit.SECONDS);
            if (next == null) {
                throw new AssertionError("no message within 10 s" + (closed.isDone() ? "; closed " + closed.join() : ""));
            }
            return next;
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    /** The close the server sent, failing if none comes within the timeout. */
    public Close awaitClose(Duration timeout) {
        try {
            return closed.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("not closed within " + timeout);
        } catch (InterruptedException | ExecutionException e) {
            throw new AssertionError(e);
        }
    }

    public boolean isClosed() {
        return closed.isDone();
    }

    /** Whether the server ended the connection (seen even by a client that reads nothing). */
    public boolean isClosedByServer() {
        return closed.isDone() || socket.isInputClosed();
    }

    @Override
    public void onOpen(WebSocket webSocket) {
        if (reading) {
            webSocket.request(1);
        }
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        text.append(data);
        if (last) {
            messages.add(text.toString());
            text.setLength(0);
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
        ByteBuffer joined = ByteBuffer.allocate(binary.remaining() + data.remaining());
        joined.put(binary).put(data).flip();
        binary = joined;
        if (last) {
            messages.add(binary);
            binary = ByteBuffer.allocate(0);
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        closed.complete(new Close(statusCode, reason));
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        closed.complete(new Close(1006, String.valueOf(error)));
    }

    /** Drops the TCP connection with no close frame, as a client that crashed or lost its network would. */
    public void abort() {
        socket.abort();
    }

    @Override
    public void close() {
        if (!socket.isOutputClosed()) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").orTimeout(5, TimeUnit.SECONDS).exceptionally(e -> null);
        }
        socket.abort();
    }
}
