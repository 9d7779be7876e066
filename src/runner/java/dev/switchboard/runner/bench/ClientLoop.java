package dev.switchboard.runner.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Iterator;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;

/**
 * The benchmark's own WebSocket client: a few selector threads drive every connection (thousands
 * of them cost a thread or two), reads server frames (RFC 6455, unmasked, any fragmentation) and hands
 * their payload bytes to a STOMP scanner per connection. Writes (masked) go straight from the
 * caller's thread. Small on purpose: only what a benchmark client needs.
 */
final class ClientLoop implements AutoCloseable {

    /** What a connection reports; called on the loop thread. */
    interface Listener {
        void opened(Conn conn);

        /** One STOMP frame: command, and its body as bytes {@code [bodyStart, end)} of {@code frame}. */
        void frame(Conn conn, String command, byte[] frame, int bodyStart, int end);

        void closed(Conn conn, String why);
    }

    /** How a connection carries STOMP. */
    enum Mode {
        /** STOMP frames in WebSocket messages. */
        WEBSOCKET,
        /** SockJS's websocket transport: SockJS frames ({@code o}, {@code h}, {@code a[...]}) in WebSocket messages. */
        SOCKJS_WEBSOCKET,
        /** SockJS's xhr_streaming: frames in a chunked HTTP response, reopened when the server ends it; sends go by xhr_send. */
        SOCKJS_XHR_STREAMING
    }

    private static final java.net.http.HttpClient HTTP = java.net.http.HttpClient.newBuilder()
            .version(java.net.http.HttpClient.Version.HTTP_1_1).build();

    /** One connection. */
    final class Conn {
        final int id;
        final Listener listener;
        private final SocketChannel channel;
        private final String host;
        private final String path;
        private SelectionKey key;
        private boolean open;
        private volatile boolean closed;
        private final ByteBuffer handshake = ByteBuffer.allocate(1024);
        // WebSocket frame state
        private int headerNeed;              // bytes of the current frame header still to read
        private final byte[] header = new byte[14];
        private int headerHave;
        private long payloadLeft;
        private int opcode;
        private final ByteBuffer control = ByteBuffer.allocate(125);
        // STOMP frame accumulation (bodies in the benchmark contain no NUL)
        private byte[] stomp = new byte[512];
        private int stompLength;
        // SockJS: the frame being read (a WebSocket message, or a line of the HTTP stream)
        final Mode mode;
        private byte[] sockjs = new byte[512];
        private int sockjsLength;
        // xhr_streaming: HTTP response state
        private int httpState;           // 0 head, 1 chunk size line, 2 chunk data, 3 chunk CRLF, 4 trailer
        private long chunkLeft;
        private final StringBuilder httpLine = new StringBuilder();

        Conn(int id, SocketChannel channel, String host, String path, Listener listener, Mode mode) {
            this.id = id;
            this.channel = channel;
            this.host = host;
            this.path = path;
            this.listener = listener;
            this.mode = mode;
        }

        boolean isOpen() {
            return open && !closed;
        }

        /** Sends one STOMP frame (or any text) the way the connection's mode carries it; false when closed. */
        boolean sendText(byte[] payload) {
            return switch (mode) {
                case WEBSOCKET -> sendFrame(0x1, payload);
                case SOCKJS_WEBSOCKET -> sendFrame(0x1, sockJsArray(payload));
                case SOCKJS_XHR_STREAMING -> xhrSend(payload);
            };
        }

        /** xhr_send on its own HTTP connection (setup frames only in the benchmark: CONNECT, SUBSCRIBE). */
        private boolean xhrSend(byte[] payload) {
            if (closed) {
                return false;
            }
            String base = path.substring(0, path.lastIndexOf('/'));
            java.net.http.HttpRequest request = java.net.http.HttpRequest.newBuilder(
                            java.net.URI.create("http://" + host + base + "/xhr_send"))
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(sockJsArray(payload))).build();
            HTTP.sendAsync(request, java.net.http.HttpResponse.BodyHandlers.discarding()).whenComplete((r, e) -> {
                if (e != null || r.statusCode() != 204) {
                    closeNow("xhr_send failed: " + (e != null ? e : r.statusCode()));
                }
            });
            return true;
        }

        private boolean sendFrame(int op, byte[] payload) {
            int len = payload.length;
            int headerLength = len < 126 ? 2 : len < 65536 ? 4 : 10;
            ByteBuffer out = ByteBuffer.allocate(headerLength + 4 + len);
            out.put((byte) (0x80 | op));
            if (len < 126) {
                out.put((byte) (0x80 | len));
            } else if (len < 65536) {
                out.put((byte) (0x80 | 126)).putShort((short) len);
            } else {
                out.put((byte) (0x80 | 127)).putLong(len);
            }
            int mask = ThreadLocalRandom.current().nextInt();
            out.putInt(mask);
            byte[] m = {(byte) (mask >>> 24), (byte) (mask >>> 16), (byte) (mask >>> 8), (byte) mask};
            for (int i = 0; i < len; i++) {
                out.put((byte) (payload[i] ^ m[i & 3]));
            }
            out.flip();
            return write(out);
        }

        private synchronized boolean write(ByteBuffer out) {
            try {
                long stalledSince = 0;
                while (out.hasRemaining()) {
                    if (closed) {
                        return false;
                    }
                    if (channel.write(out) == 0) {
                        long now = System.nanoTime();
                        if (stalledSince == 0) {
                            stalledSince = now;
                        } else if (now - stalledSince > 10_000_000_000L) {
                            closeNow("the server read nothing for 10 s");
                            return false;
                        }
                        LockSupport.parkNanos(200_000); // the server is not reading: back off
                    } else {
                        stalledSince = 0;
                    }
                }
                return true;
            } catch (IOException e) {
                closeNow("write failed: " + e.getMessage());
                return false;
            }
        }

        void close() {
            closeNow("closed by the client");
        }

        private void closeNow(String why) {
            if (closed) {
                return;
            }
            closed = true;
            try {
                channel.close();
            } catch (IOException ignored) {
                // closing anyway
            }
            listener.closed(this, why);
        }

        private void connected() throws IOException {
            channel.finishConnect();
            String key = Base64.getEncoder().encodeToString(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16});
            String request = mode == Mode.SOCKJS_XHR_STREAMING ? streamingRequest()
                    : "GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\nSec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: 13\r\n"
                    + (mode == Mode.WEBSOCKET ? "Sec-WebSocket-Protocol: v12.stomp, v11.stomp, v10.stomp\r\n" : "") + "\r\n";
            write(ByteBuffer.wrap(request.getBytes(StandardCharsets.US_ASCII)));
            this.key.interestOps(SelectionKey.OP_READ);
        }

        private String streamingRequest() {
            return "POST " + path + " HTTP/1.1\r\nHost: " + host + "\r\nContent-Length: 0\r\n\r\n";
        }

        private void read(ByteBuffer in) throws IOException {
            in.clear();
            int n = channel.read(in);
            if (n < 0) {
                closeNow("the server closed the TCP connection");
                return;
            }
            in.flip();
            if (mode == Mode.SOCKJS_XHR_STREAMING) {
                http(in);
                return;
            }
            if (!open) {
                while (in.hasRemaining() && !open) {
                    handshake.put(in.get());
                    int p = handshake.position();
                    if (p >= 4 && handshake.get(p - 4) == '\r' && handshake.get(p - 3) == '\n'
                            && handshake.get(p - 2) == '\r' && handshake.get(p - 1) == '\n') {
                        String response = new String(handshake.array(), 0, p, StandardCharsets.US_ASCII);
                        if (!response.startsWith("HTTP/1.1 101")) {
                            closeNow("handshake refused: " + response.lines().findFirst().orElse(""));
                            return;
                        }
                        open = true;
                        headerNeed = 2;
                        if (mode == Mode.WEBSOCKET) {
                            listener.opened(this); // SockJS opens with its 'o' frame
                        }
                    } else if (!handshake.hasRemaining()) {
                        closeNow("handshake response too long");
                        return;
                    }
                }
            }
            while (in.hasRemaining() && !closed) {
                if (headerNeed > 0) {
                    header[headerHave++] = in.get();
                    headerNeed--;
                    if (headerNeed == 0) {
                        headerDone();
                    }
                    continue;
                }
                int take = (int) Math.min(payloadLeft, in.remaining());
                if (opcode >= 0x8) {
                    for (int i = 0; i < take; i++) {
                        control.put(in.get());
                    }
                } else if (mode == Mode.WEBSOCKET) {
                    stompBytes(in, take);
                } else {
                    for (int i = 0; i < take; i++) {
                        sockjsByte(in.get());
                    }
                }
                payloadLeft -= take;
                if (payloadLeft == 0) {
                    frameDone();
                }
            }
        }

        private void headerDone() {
            if (headerHave == 2) {
                int len = header[1] & 0x7f;
                if (len == 126) {
                    headerNeed = 2;
                    return;
                }
                if (len == 127) {
                    headerNeed = 8;
                    return;
                }
                payloadLeft = len;
            } else if (headerHave == 4) {
                payloadLeft = ((header[2] & 0xff) << 8) | (header[3] & 0xff);
            } else {
                payloadLeft = ByteBuffer.wrap(header, 2, 8).getLong();
            }
            int op = header[0] & 0x0f;
            if (op != 0) {
                opcode = op; // a continuation keeps the message's opcode
            }
            headerHave = 0;
            control.clear();
            if (payloadLeft == 0) {
                frameDone();
            }
        }

        private void frameDone() {
            headerNeed = 2;
            if (opcode < 0x8 && (header[0] & 0x80) != 0) {
                MESSAGES.increment();
                if (mode == Mode.SOCKJS_WEBSOCKET) {
                    sockjsFrame(); // a whole WebSocket message is one SockJS frame
                }
            }
            if (opcode == 0x9) { // ping
                control.flip();
                byte[] data = new byte[control.remaining()];
                control.get(data);
                sendFrame(0xA, data);
            } else if (opcode == 0x8) {
                control.flip();
                int code = control.remaining() >= 2 ? control.getShort() & 0xffff : 1005;
                byte[] reason = new byte[control.remaining()];
                control.get(reason);
                closeNow("server closed " + code + " " + new String(reason, StandardCharsets.UTF_8));
            }
        }

        private void stompByte(byte b) {
            if (b == 0) {
                stompFrameDone();
                return;
            }
            if (stompLength == 0 && (b == '\n' || b == '\r')) {
                return; // heart-beat
            }
            if (stompLength == stomp.length) {
                stomp = java.util.Arrays.copyOf(stomp, stomp.length * 2);
            }
            stomp[stompLength++] = b;
        }

        private void sockjsByte(byte b) {
            if (sockjsLength == sockjs.length) {
                sockjs = java.util.Arrays.copyOf(sockjs, sockjs.length * 2);
            }
            sockjs[sockjsLength++] = b;
        }

        /** One SockJS frame in {@code sockjs[0, sockjsLength)}. */
        private void sockjsFrame() {
            int length = sockjsLength;
            sockjsLength = 0;
            if (length == 0) {
                return;
            }
            switch (sockjs[0]) {
                case 'o' -> {
                    open = true;
                    listener.opened(this);
                }
                case 'a' -> jsonStrings(sockjs, 1, length);
                case 'c' -> closeNow("SockJS close " + new String(sockjs, 0, length, StandardCharsets.UTF_8));
                default -> { } // 'h' heart-beat, or the xhr_streaming prelude
            }
        }

        /** Decodes the JSON strings of {@code ["...","..."]} into STOMP bytes (the benchmark's text is ASCII or \\u-escaped). */
        private void jsonStrings(byte[] b, int from, int to) {
            boolean inString = false;
            for (int i = from; i < to; i++) {
                byte c = b[i];
                if (!inString) {
                    if (c == '"') {
                        inString = true;
                    }
                    continue;
                }
                if (c == '"') {
                    inString = false;
                } else if (c != '\\') {
                    stompByte(c);
                } else {
                    byte e = b[++i];
                    switch (e) {
                        case 'n' -> stompByte((byte) '\n');
                        case 'r' -> stompByte((byte) '\r');
                        case 't' -> stompByte((byte) '\t');
                        case 'u' -> {
                            int v = Integer.parseInt(new String(b, i + 1, 4, StandardCharsets.US_ASCII), 16);
                            i += 4;
                            byte[] utf8 = String.valueOf((char) v).getBytes(StandardCharsets.UTF_8);
                            for (byte u : utf8) {
                                stompByte(u);
                            }
                        }
                        default -> stompByte(e); // \" \\ \/
                    }
                }
            }
        }

        /** xhr_streaming bytes: the response head, then chunks whose data is a stream of newline-ended SockJS frames. */
        private void http(ByteBuffer in) {
            while (in.hasRemaining() && !closed) {
                switch (httpState) {
                    case 0, 1, 4 -> {
                        byte c = in.get();
                        if (c != '\n') {
                            if (c != '\r') {
                                httpLine.append((char) c);
                            }
                            continue;
                        }
                        String line = httpLine.toString();
                        httpLine.setLength(0);
                        if (httpState == 0) {
                            if (line.startsWith("HTTP/") && !line.startsWith("HTTP/1.1 200")) {
                                closeNow("xhr_streaming refused: " + line);
                                return;
                            }
                            if (line.isEmpty()) {
                                httpState = 1;
                            }
                        } else if (httpState == 1) {
                            chunkLeft = Long.parseLong(line.trim(), 16);
                            httpState = chunkLeft == 0 ? 4 : 2;
                        } else if (line.isEmpty()) {
                            // the response ended (the stream limit): the client opens the next one, as sockjs-client does
                            httpState = 0;
                            write(ByteBuffer.wrap(streamingRequest().getBytes(StandardCharsets.US_ASCII)));
                        }
                    }
                    case 2 -> {
                        int take = (int) Math.min(chunkLeft, in.remaining());
                        for (int i = 0; i < take; i++) {
                            byte c = in.get();
                            if (c == '\n') {
                                sockjsFrame();
                            } else {
                                sockjsByte(c);
                            }
                        }
                        chunkLeft -= take;
                        if (chunkLeft == 0) {
                            httpState = 3;
                            chunkLeft = 2;
                        }
                    }
                    default -> { // the CRLF after a chunk
                        in.get();
                        if (--chunkLeft == 0) {
                            httpState = 1;
                        }
                    }
                }
            }
        }

        /** Payload bytes of text/binary messages: a stream of NUL-terminated STOMP frames. */
        private void stompBytes(ByteBuffer in, int take) {
            int end = in.position() + take;
            while (in.position() < end) {
                stompByte(in.get());
            }
        }

        private void stompFrameDone() {
            int eol = 0;
            while (eol < stompLength && stomp[eol] != '\n') {
                eol++;
            }
            int commandEnd = eol > 0 && stomp[eol - 1] == '\r' ? eol - 1 : eol;
            String command = new String(stomp, 0, commandEnd, StandardCharsets.US_ASCII);
            int body = stompLength;
            for (int i = eol; i + 1 < stompLength; i++) {
                if (stomp[i] == '\n' && (stomp[i + 1] == '\n' || (stomp[i + 1] == '\r' && i + 2 < stompLength))) {
                    body = stomp[i + 1] == '\n' ? i + 2 : i + 3;
                    break;
                }
            }
            int length = stompLength;
            stompLength = 0;
            FRAMES.increment();
            listener.frame(this, command, stomp, Math.min(body, length), length);
        }
    }

    /** WebSocket messages and STOMP frames received, by all connections (how much the server joins). */
    static final java.util.concurrent.atomic.LongAdder MESSAGES = new java.util.concurrent.atomic.LongAdder();
    static final java.util.concurrent.atomic.LongAdder FRAMES = new java.util.concurrent.atomic.LongAdder();

    /** A STOMP frame as a SockJS message: {@code ["..."]}, JSON-escaped. */
    static byte[] sockJsArray(byte[] frame) {
        StringBuilder out = new StringBuilder(frame.length + 16).append("[\"");
        String text = new String(frame, StandardCharsets.UTF_8);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append("\"]").toString().getBytes(StandardCharsets.UTF_8);
    }

    /** One selector thread and the connections it owns. */
    private final class Shard {
        private final Selector selector;
        private final Thread thread;
        private final ConcurrentLinkedQueue<Conn> pendingRegistrations = new ConcurrentLinkedQueue<>();

        Shard(String name) throws IOException {
            selector = Selector.open();
            thread = new Thread(() -> run(this), name);
            thread.setDaemon(true);
            thread.start();
        }
    }

    private final Shard[] shards;
    private volatile boolean running = true;
    private int nextId;

    /** @param threads selector threads; connections are spread over them by id */
    ClientLoop(String name, int threads) throws IOException {
        shards = new Shard[threads];
        for (int i = 0; i < threads; i++) {
            shards[i] = new Shard(name + "-" + i);
        }
    }

    /** The id the next connection will get (ids are given in order). */
    synchronized int nextId() {
        return nextId;
    }

    /** Starts connecting; the listener hears {@code opened} or {@code closed}. */
    synchronized Conn connect(InetSocketAddress address, String path, Listener listener) throws IOException {
        return connect(address, path, listener, Mode.WEBSOCKET);
    }

    /** As above, carried as {@code mode} says ({@code path} is then the SockJS transport URL). */
    synchronized Conn connect(InetSocketAddress address, String path, Listener listener, Mode mode) throws IOException {
        return connect(address, path, listener, mode, null);
    }

    /**
     * As above, from the local address {@code from} (a loopback address of its own, 127.0.0.2 and
     * up, so that many connections neither run out of ephemeral ports nor count as one client
     * address); null: any.
     */
    synchronized Conn connect(InetSocketAddress address, String path, Listener listener, Mode mode,
                              java.net.InetAddress from) throws IOException {
        SocketChannel channel = SocketChannel.open();
        if (from != null) {
            channel.bind(new InetSocketAddress(from, 0));
        }
        channel.configureBlocking(false);
        channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
        Conn conn = new Conn(nextId++, channel, address.getHostString() + ":" + address.getPort(), path, listener, mode);
        channel.connect(address);
        Shard shard = shards[conn.id % shards.length];
        shard.pendingRegistrations.add(conn);
        shard.selector.wakeup();
        return conn;
    }

    private void run(Shard shard) {
        ByteBuffer in = ByteBuffer.allocateDirect(256 * 1024);
        Selector selector = shard.selector;
        while (running) {
            try {
                selector.select(100);
                Conn c;
                while ((c = shard.pendingRegistrations.poll()) != null) {
                    c.key = c.channel.register(selector, SelectionKey.OP_CONNECT, c);
                }
                Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
                while (keys.hasNext()) {
                    SelectionKey key = keys.next();
                    keys.remove();
                    Conn conn = (Conn) key.attachment();
                    try {
                        if (!key.isValid()) {
                            continue;
                        }
                        if (key.isConnectable()) {
                            conn.connected();
                        } else if (key.isReadable()) {
                            conn.read(in);
                        }
                    } catch (IOException | RuntimeException e) {
                        conn.closeNow(e.toString());
                    }
                }
            } catch (IOException e) {
                if (running) {
                    throw new IllegalStateException(e);
                }
            }
        }
    }

    @Override
    public void close() throws IOException {
        running = false;
        for (Shard shard : shards) {
            shard.selector.wakeup();
            try {
                shard.thread.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            for (SelectionKey key : shard.selector.keys()) {
                try {
                    key.channel().close();
                } catch (IOException ignored) {
                    // closing anyway
                }
            }
            shard.selector.close();
        }
    }
}
