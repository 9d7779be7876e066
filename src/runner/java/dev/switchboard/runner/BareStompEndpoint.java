package dev.switchboard.runner;

import jakarta.websocket.OnClose;
import jakarta.websocket.OnMessage;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The floor for fan-out latency inside Tomcat: the least STOMP a benchmark client needs, as a
 * plain {@code @ServerEndpoint} (deployed alone, {@code StompBenchmark --with-tomcat-floor true}).
 * A SEND is written to every subscriber at once with the container's blocking send, on the thread
 * that read it: no broker, no queue, no hand-over, no limits. What it costs is what Tomcat's
 * WebSocket write path costs. Not a product, and safe for nothing but the benchmark's client.
 */
@ServerEndpoint("/stomp")
public class BareStompEndpoint {

    /** Subscribers by destination: the session and its MESSAGE frame's first line (no nested class: the WAR holds this one class). */
    private static final Map<String, List<Map.Entry<Session, String>>> TOPICS = new ConcurrentHashMap<>();
    private static final AtomicLong IDS = new AtomicLong();

    @OnMessage
    public void frame(Session session, String text) throws IOException {
        for (String frame : text.split("\0")) {
            frame = frame.stripLeading();
            if (!frame.isEmpty()) {
                handle(session, frame);
            }
        }
    }

    private static void handle(Session session, String frame) throws IOException {
        int blank = frame.indexOf("\n\n");
        String[] lines = (blank < 0 ? frame : frame.substring(0, blank)).split("\n");
        String body = blank < 0 ? "" : frame.substring(blank + 2);
        Map<String, String> headers = new HashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.putIfAbsent(lines[i].substring(0, colon), lines[i].substring(colon + 1));
            }
        }
        switch (lines[0]) {
            case "CONNECT", "STOMP" -> send(session, "CONNECTED\nversion:1.2\nheart-beat:0,0\n\n\0");
            case "SUBSCRIBE" -> TOPICS.computeIfAbsent(headers.get("destination"), d -> new CopyOnWriteArrayList<>())
                    .add(Map.entry(session, "MESSAGE\nsubscription:" + headers.get("id")));
            case "SEND" -> {
                String destination = headers.get("destination");
                String shared = "\ndestination:" + destination + "\nmessage-id:" + IDS.incrementAndGet()
                        + (headers.containsKey("content-type") ? "\ncontent-type:" + headers.get("content-type") : "")
                        + "\n\n" + body + "\0";
                for (Map.Entry<Session, String> sub : TOPICS.getOrDefault(destination, List.of())) {
                    send(sub.getKey(), sub.getValue() + shared);
                }
            }
            default -> { }
        }
        String receipt = headers.get("receipt");
        if (receipt != null) {
            send(session, "RECEIPT\nreceipt-id:" + receipt + "\n\n\0");
        }
    }

    /** One blocking send; one at a time per session (the container allows no more). */
    private static void send(Session session, String text) throws IOException {
        if (session.isOpen()) {
            synchronized (session) {
                session.getBasicRemote().sendText(text);
            }
        }
    }

    @OnClose
    public void closed(Session session) {
        TOPICS.values().forEach(subs -> subs.removeIf(s -> s.getKey() == session));
    }
}
