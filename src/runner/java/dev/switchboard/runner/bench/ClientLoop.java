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

    /** One WebSocket connection. */
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

        Conn(int id, SocketChannel channel, String host, String path, Listener listener) {
            this.id = id;
            this.channel = channel;
            this.host = host;
            this.path = path;
            this.listener = listener;
        }

        boolean isOpen() {
            return open && !closed;
        }

        /** Sends one masked text frame holding these bytes; returns false when closed. */
        boolean sendText(byte[] payload) {
            return sendFrame(0x1, payload);
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
            String request = "GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\nSec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: 13\r\n"
                    + "Sec-WebSocket-Protocol: v12.stomp, v11.stomp, v10.stomp\r\n\r\n";
            write(ByteBuffer.wrap(request.getBytes(StandardCharsets.US_ASCII)));
            this.key.interestOps(SelectionKey.OP_READ);
        }

        private void read(ByteBuffer in) throws IOException {
            in.clear();
            int n = channel.read(in);
            if (n < 0) {
                closeNow("the server closed the TCP connection");
                return;
            }
            in.flip();
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
                        listener.opened(this);
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
                } else {
                    stompBytes(in, take);
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

        /** Payload bytes of text/binary messages: a stream of NUL-terminated STOMP frames. */
        private void stompBytes(ByteBuffer in, int take) {
            int end = in.position() + take;
            while (in.position() < end) {
                byte b = in.get();
                if (b == 0) {
                    stompFrameDone();
                    continue;
                }
                if (stompLength == 0 && (b == '\n' || b == '\r')) {
                    continue; // heart-beat
                }
                if (stompLength == stomp.length) {
                    stomp = java.util.Arrays.copyOf(stomp, stomp.length * 2);
                }
                stomp[stompLength++] = b;
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
            listener.frame(this, command, stomp, Math.min(body, length), length);
        }
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
        SocketChannel channel = SocketChannel.open();
        channel.configureBlocking(false);
        channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
        Conn conn = new Conn(nextId++, channel, address.getHostString() + ":" + address.getPort(), path, listener);
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
