package dev.switchboard.testing;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 over a plain socket, for tests that must see the wire: one request per connection,
 * the response head, then the body chunk by chunk (SockJS streaming sends one frame per chunk).
 */
public final class RawHttp implements AutoCloseable {

    /** A response head, and the body when it was read whole. */
    public record Response(int status, String version, Map<String, String> headers, String body) {
        /** A header by case-insensitive name, or null. */
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    private final Socket socket;
    private final InputStream in;
    private Response head;

    private RawHttp(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
    }

    /** Sends a request; {@link #head} waits for the response head, {@link #readChunk} or {@link #readBody} for the body. */
    public static RawHttp send(URI base, String method, String path, Map<String, String> headers, String body)
            throws IOException {
        return send(base, method, path, headers, body, "1.1");
    }

    public static RawHttp send(URI base, String method, String path, Map<String, String> headers, String body,
                               String httpVersion) throws IOException {
        return send(null, base, method, path, headers, body, httpVersion);
    }

    /** As above, from a local address of the caller's choice ({@code 127.0.0.2}: another client on this machine). */
    public static RawHttp send(String from, URI base, String method, String path, Map<String, String> headers,
                               String body, String httpVersion) throws IOException {
        Socket socket = from == null ? new Socket(base.getHost(), base.getPort())
                : new Socket(base.getHost(), base.getPort(), java.net.InetAddress.getByName(from), 0);
        socket.setSoTimeout(5000);
        RawHttp http = new RawHttp(socket);
        byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        StringBuilder request = new StringBuilder(method).append(' ').append(path).append(" HTTP/").append(httpVersion)
                .append("\r\n");
        if (headers.keySet().stream().noneMatch(k -> k.equalsIgnoreCase("Host"))) {
            request.append("Host: ").append(base.getHost()).append(':').append(base.getPort()).append("\r\n");
        }
        headers.forEach((k, v) -> request.append(k).append(": ").append(v).append("\r\n"));
        if (body != null || method.equals("POST")) {
            request.append("Content-Length: ").append(bytes.length).append("\r\n");
        }
        request.append("\r\n");
        OutputStream out = socket.getOutputStream();
        out.write(request.toString().getBytes(StandardCharsets.UTF_8));
        out.write(bytes);
        out.flush();
        return http;
    }

    /** Sends a request and reads the whole response. */
    public static Response exchange(URI base, String method, String path, Map<String, String> headers, String body)
            throws IOException {
        try (RawHttp http = send(base, method, path, headers, body)) {
            return http.readBody();
        }
    }

    /** Sends a request from a local address of the caller's choice and reads the whole response. */
    public static Response exchangeFrom(String from, URI base, String method, String path, Map<String, String> headers,
                                        String body) throws IOException {
        try (RawHttp http = send(from, base, method, path, headers, body, "1.1")) {
            return http.readBody();
        }
    }

    public static Response get(URI base, String path) throws IOException {
        return exchange(base, "GET", path, Map.of(), null);
    }

    public static Response post(URI base, String path, String body) throws IOException {
        return exchange(base, "POST", path, Map.of(), body);
    }

    public Response head() throws IOException {
        if (head == null) {
            readHead();
        }
        return head;
    }

    private void readHead() throws IOException {
        String status = line();
        String[] parts = status.split(" ", 3);
        Map<String, String> headers = new LinkedHashMap<>();
        String line;
        while (!(line = line()).isEmpty()) {
            int colon = line.indexOf(':');
            String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = line.substring(colon + 1).trim();
            headers.merge(name, value, (a, b) -> a + ", " + b);
        }
        head = new Response(Integer.parseInt(parts[1]), parts[0].substring(5), headers, null);
    }

    private String line() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != '\n') {
            if (c == -1) {
                throw new EOFException("connection closed");
            }
            if (c != '\r') {
                out.write(c);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** The next chunk of a chunked body; "" for the last (empty) chunk. */
    public String readChunk() throws IOException {
        return new String(readChunkBytes(), StandardCharsets.UTF_8);
    }

    /** The next chunk's bytes (a character's UTF-8 bytes may straddle two chunks). */
    private byte[] readChunkBytes() throws IOException {
        head();
        if (!"chunked".equalsIgnoreCase(head.header("transfer-encoding"))) {
            throw new IllegalStateException("not chunked: " + head);
        }
        int size = Integer.parseInt(line().trim(), 16);
        byte[] data = in.readNBytes(size);
        if (data.length < size) {
            throw new EOFException("chunk cut short");
        }
        line();
        return data;
    }

    /** The whole body, however it is delimited. */
    public Response readBody() throws IOException {
        head();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        if ("chunked".equalsIgnoreCase(head.header("transfer-encoding"))) {
            byte[] chunk;
            while ((chunk = readChunkBytes()).length > 0) {
                body.writeBytes(chunk);
            }
        } else if (head.header("content-length") != null) {
            body.writeBytes(in.readNBytes(Integer.parseInt(head.header("content-length"))));
        } else if (head.status() != 204 && head.status() != 304 && head.status() != 101) {
            body.writeBytes(in.readAllBytes());
        }
        return new Response(head.status(), head.version(), head.headers(), body.toString(StandardCharsets.UTF_8));
    }

    /** Sends another request on the same (kept-alive) connection; its response is read as the first was. */
    public RawHttp again(String method, String path, Map<String, String> headers, String httpVersion, URI base)
            throws IOException {
        head = null;
        StringBuilder request = new StringBuilder(method).append(' ').append(path).append(" HTTP/").append(httpVersion)
                .append("\r\nHost: ").append(base.getHost()).append(':').append(base.getPort()).append("\r\n");
        headers.forEach((k, v) -> request.append(k).append(": ").append(v).append("\r\n"));
        request.append("\r\n");
        write(request.toString().getBytes(StandardCharsets.UTF_8));
        return this;
    }

    /** Writes raw bytes on the connection (after an upgrade). */
    public void write(byte[] bytes) throws IOException {
        socket.getOutputStream().write(bytes);
        socket.getOutputStream().flush();
    }

    /** Reads exactly {@code n} raw bytes (after an upgrade). */
    public byte[] readBytes(int n) throws IOException {
        byte[] data = in.readNBytes(n);
        if (data.length < n) {
            throw new EOFException("connection closed after " + data.length + " of " + n + " bytes");
        }
        return data;
    }

    /** True when the server closes the connection (reads up to a second to find out). */
    public boolean closedByServer() throws IOException {
        socket.setSoTimeout(1000);
        try {
            return in.read() == -1;
        } catch (java.net.SocketTimeoutException e) {
            return false;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
