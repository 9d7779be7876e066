package dev.switchboard.runner.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The benchmark's floor: what this machine allows any server, measured with the same client.
 * A do-nothing STOMP-over-WebSocket server on one NIO thread, no container, no broker, no limits:
 * it answers CONNECT, remembers SUBSCRIBEs, and for a SEND writes one pre-built MESSAGE frame
 * per subscriber at once, on the thread that read the SEND. It speaks just enough of RFC 6455 and
 * STOMP 1.2 for the benchmark's client; it is not a product and not for any other use.
 *
 * <p>{@code java ... FloorServer --port N}
 */
public final class FloorServer {

    private static final String WS_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    /** One accepted connection. */
    private static final class Conn {
        final SocketChannel channel;
        final ByteBuffer in = ByteBuffer.allocate(64 * 1024);
        final ArrayDeque<ByteBuffer> out = new ArrayDeque<>();
        byte[] stomp = new byte[1024];
        int stompLength;
        boolean upgraded;
        SelectionKey key;
        final List<Sub> subs = new ArrayList<>();

        Conn(SocketChannel channel) {
            this.channel = channel;
        }
    }

    private record Sub(Conn conn, byte[] header) { }

    private final Map<String, List<Sub>> topics = new HashMap<>();
    private long messageIds;

    private FloorServer() {
    }

    public static void main(String[] args) throws Exception {
        int port = 0;
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (args[i].equals("--port")) {
                port = Integer.parseInt(args[i + 1]);
            }
        }
        new FloorServer().serve(port);
    }

    private void serve(int port) throws IOException {
        Selector selector = Selector.open();
        ServerSocketChannel server = ServerSocketChannel.open();
        server.bind(new InetSocketAddress("127.0.0.1", port), 4096);
        server.configureBlocking(false);
        server.register(selector, SelectionKey.OP_ACCEPT);
        while (true) {
            selector.select();
            Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
            while (keys.hasNext()) {
                SelectionKey key = keys.next();
                keys.remove();
                try {
                    if (key.isAcceptable()) {
                        SocketChannel ch;
                        while ((ch = server.accept()) != null) {
                            ch.configureBlocking(false);
                            ch.setOption(java.net.StandardSocketOptions.TCP_NODELAY, true);
                            Conn c = new Conn(ch);
                            c.key = ch.register(selector, SelectionKey.OP_READ, c);
                        }
                        continue;
                    }
                    Conn c = (Conn) key.attachment();
                    if (key.isValid() && key.isWritable()) {
                        flush(c);
                    }
                    if (key.isValid() && key.isReadable()) {
                        read(c);
                    }
                } catch (IOException | RuntimeException e) {
                    close((Conn) key.attachment());
                }
            }
        }
    }

    private void read(Conn c) throws IOException {
        if (c.channel.read(c.in) < 0) {
            close(c);
            return;
        }
        c.in.flip();
        if (!c.upgraded) {
            handshake(c);
        }
        if (c.upgraded) {
            frames(c);
        }
        c.in.compact();
    }

    private void handshake(Conn c) throws IOException {
        String request = new String(c.in.array(), 0, c.in.limit(), StandardCharsets.ISO_8859_1);
        int end = request.indexOf("\r\n\r\n");
        if (end < 0) {
            return;
        }
        String key = null;
        for (String line : request.substring(0, end).split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase("Sec-WebSocket-Key")) {
                key = line.substring(colon + 1).trim();
            }
        }
        if (key == null) {
            throw new IOException("not a WebSocket handshake");
        }
        String accept;
        try {
            accept = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-1")
                    .digest((key + WS_GUID).getBytes(StandardCharsets.ISO_8859_1)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        write(c, ByteBuffer.wrap(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Accept: " + accept + "\r\nSec-WebSocket-Protocol: v12.stomp\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1)));
        c.in.position(end + 4);
        c.upgraded = true;
    }

    /** Client frames (masked), their payloads joined into the STOMP stream. */
    private void frames(Conn c) throws IOException {
        ByteBuffer in = c.in;
        while (in.remaining() >= 2) {
            int start = in.position();
            int b0 = in.get(start) & 0xff;
            int b1 = in.get(start + 1) & 0xff;
            int header = 2;
            long length = b1 & 0x7f;
            if (length == 126) {
                header = 4;
                if (in.remaining() < header) {
                    return;
                }
                length = in.getShort(start + 2) & 0xffff;
            } else if (length == 127) {
                header = 10;
                if (in.remaining() < header) {
                    return;
                }
                length = in.getLong(start + 2);
            }
            header += 4; // the client's mask
            if (length > in.capacity() - header) {
                throw new IOException("frame too large for the floor server");
            }
            if (in.remaining() < header + length) {
                return;
            }
            int opcode = b0 & 0x0f;
            if (opcode == 8) {
                close(c);
                return;
            }
            if (opcode <= 2) {
                int maskAt = start + header - 4;
                for (int i = 0; i < length; i++) {
                    byte b = (byte) (in.get(start + header + i) ^ in.get(maskAt + (i & 3)));
                    if (c.stompLength == c.stomp.length) {
                        c.stomp = java.util.Arrays.copyOf(c.stomp, c.stomp.length * 2);
                    }
                    c.stomp[c.stompLength++] = b;
                }
            }
            in.position(start + header + (int) length);
        }
        stompFrames(c);
    }

    private void stompFrames(Conn c) throws IOException {
        int from = 0;
        for (int i = 0; i < c.stompLength; i++) {
            if (c.stomp[i] == 0) {
                String frame = new String(c.stomp, from, i - from, StandardCharsets.UTF_8).stripLeading();
                from = i + 1;
                if (!frame.isEmpty()) {
                    stompFrame(c, frame);
                }
            }
        }
        System.arraycopy(c.stomp, from, c.stomp, 0, c.stompLength - from);
        c.stompLength -= from;
    }

    private void stompFrame(Conn c, String frame) throws IOException {
        int blank = frame.indexOf("\n\n");
        String head = blank < 0 ? frame : frame.substring(0, blank);
        String body = blank < 0 ? "" : frame.substring(blank + 2);
        String[] lines = head.split("\n");
        Map<String, String> headers = new HashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.putIfAbsent(lines[i].substring(0, colon), lines[i].substring(colon + 1));
            }
        }
        switch (lines[0]) {
            case "CONNECT", "STOMP" -> write(c, textFrame("CONNECTED\nversion:1.2\nheart-beat:0,0\n\n\0"));
            case "SUBSCRIBE" -> {
                Sub sub = new Sub(c, ("MESSAGE\nsubscription:" + headers.get("id")).getBytes(StandardCharsets.UTF_8));
                topics.computeIfAbsent(headers.get("destination"), d -> new ArrayList<>()).add(sub);
                c.subs.add(sub);
            }
            case "SEND" -> publish(headers.get("destination"), headers.get("content-type"), body);
            case "DISCONNECT" -> close(c);
            default -> { }
        }
        String receipt = headers.get("receipt");
        if (receipt != null && c.channel.isOpen()) {
            write(c, textFrame("RECEIPT\nreceipt-id:" + receipt + "\n\n\0"));
        }
    }

    /** The shared part built once; per subscriber only its subscription line goes before it. */
    private void publish(String destination, String contentType, String body) throws IOException {
        List<Sub> subs = topics.get(destination);
        if (subs == null || subs.isEmpty()) {
            return;
        }
        byte[] bodyBytes = body.getBytes(StandardCharsets.UTF_8);
        byte[] shared = ("\ndestination:" + destination + "\nmessage-id:" + ++messageIds
                + (contentType == null ? "" : "\ncontent-type:" + contentType)
                + "\ncontent-length:" + bodyBytes.length + "\n\n").getBytes(StandardCharsets.UTF_8);
        for (Sub sub : subs.toArray(new Sub[0])) {
            int length = sub.header.length + shared.length + bodyBytes.length + 1;
            ByteBuffer out = ByteBuffer.allocate(length + 4);
            out.put((byte) 0x81);
            if (length < 126) {
                out.put((byte) length);
            } else {
                out.put((byte) 126).putShort((short) length);
            }
            out.put(sub.header).put(shared).put(bodyBytes).put((byte) 0).flip();
            write(sub.conn, out);
        }
    }

    private static ByteBuffer textFrame(String text) {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        ByteBuffer out = ByteBuffer.allocate(payload.length + 4);
        out.put((byte) 0x81);
        if (payload.length < 126) {
            out.put((byte) payload.length);
        } else {
            out.put((byte) 126).putShort((short) payload.length);
        }
        return out.put(payload).flip();
    }

    private void write(Conn c, ByteBuffer data) throws IOException {
        if (!c.channel.isOpen()) {
            return;
        }
        if (c.out.isEmpty()) {
            try {
                c.channel.write(data);
            } catch (IOException e) {
                close(c);
                return;
            }
            if (!data.hasRemaining()) {
                return;
            }
            c.key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
        }
        c.out.add(data);
    }

    private void flush(Conn c) throws IOException {
        while (!c.out.isEmpty()) {
            ByteBuffer head = c.out.peek();
            c.channel.write(head);
            if (head.hasRemaining()) {
                return;
            }
            c.out.poll();
        }
        c.key.interestOps(SelectionKey.OP_READ);
    }

    private void close(Conn c) {
        if (c == null || !c.channel.isOpen()) {
            return;
        }
        for (Sub sub : c.subs) {
            topics.values().forEach(list -> list.remove(sub));
        }
        try {
            c.channel.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
