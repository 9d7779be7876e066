package dev.switchboard.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** Plain HTTP for tests. */
final class Http {

    static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private Http() {
    }

    static HttpResponse<String> get(URI uri) throws IOException, InterruptedException {
        return CLIENT.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /**
     * Sends a WebSocket upgrade request by hand and returns the response's status line, so a test
     * sees exactly what a browser would get.
     */
    static String upgradeStatusLine(URI http, String path, String origin) throws IOException {
        return upgradeStatusLine(http, path, origin, "websocket");
    }

    /** As {@link #upgradeStatusLine(URI, String, String)}, with the given Upgrade header. */
    static String upgradeStatusLine(URI http, String path, String origin, String upgrade) throws IOException {
        return upgradeStatusLine(http, path, origin, upgrade, http.getHost() + ":" + http.getPort());
    }

    /** A socket to the URI's host and port; over TLS (trusting the tests' key) for https. */
    private static Socket open(URI uri) throws IOException {
        if (!"https".equals(uri.getScheme())) {
            return new Socket(uri.getHost(), uri.getPort());
        }
        try {
            return dev.switchboard.testing.Containers.trustingTestKey().getSocketFactory().createSocket(uri.getHost(), uri.getPort());
        } catch (IOException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException(e);
        }
    }

    /** As above, with the given Host header (a name that resolves to the server, say). */
    static String upgradeStatusLine(URI http, String path, String origin, String upgrade, String host) throws IOException {
        try (Socket socket = open(http)) {
            socket.setSoTimeout(5000);
            String request = "GET " + http.getPath() + path + " HTTP/1.1\r\n"
                    + "Host: " + host + "\r\n"
                    + "Upgrade: " + upgrade + "\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                    + (origin == null ? "" : "Origin: " + origin + "\r\n") + "\r\n";
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            StringBuilder line = new StringBuilder();
            int c;
            while ((c = in.read()) != -1 && c != '\r') {
                line.append((char) c);
            }
            return line.toString();
        }
    }
}
