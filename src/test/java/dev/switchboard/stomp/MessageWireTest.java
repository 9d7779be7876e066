package dev.switchboard.stomp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.broker.AckMode;
import dev.switchboard.broker.Broker;
import dev.switchboard.broker.Message;
import dev.switchboard.broker.Subscriber;
import dev.switchboard.broker.Subscription;
import dev.switchboard.testing.CollectingSink;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A MESSAGE encoded once per version and shared by every subscriber, with each subscription's
 * own lines spliced in; text when the body is UTF-8, bytes otherwise.
 */
class MessageWireTest {

    private static Subscription subscription(String id, AckMode ack, StompVersion version) throws Exception {
        StringBuilder line = new StringBuilder();
        StompEncoder.appendHeader(line, "subscription", id, version, version.escapes());
        Subscriber owner = new Subscriber() {
            @Override
            public String sessionId() {
                return "s-" + id;
            }

            @Override
            public boolean deliver(Subscription subscription, Message message, boolean redelivered) {
                return true;
            }
        };
        return new Broker(10, 10).subscribe(owner, "u", id, "/queue/q-" + id, ack,
                new MessageWire.Tag(line.toString(), line.toString().getBytes(StandardCharsets.UTF_8)), Map.of());
    }

    /** What {@code sendTo} queued, as one string, and whether it went as text. */
    private static final class Captured extends dev.switchboard.testing.RecordingConnection {
    }

    private static StompFrame parse(String wire, StompVersion version) {
        CollectingSink sink = new CollectingSink();
        new StompDecoder(StompDecoder.Limits.DEFAULT, version).feed(wire.getBytes(StandardCharsets.UTF_8), sink);
        assertNull(sink.malformed);
        assertEquals(1, sink.frames.size());
        return sink.frames.get(0);
    }

    @Test
    void oneEncodingPerVersionIsSharedAndEachSubscriberGetsItsOwnLines() throws Exception {
        Message m = new Message("id-1", "/topic/a:b", "text/plain", List.of("x-h", "v\nw"),
                "héllo".getBytes(StandardCharsets.UTF_8));
        MessageWire v12 = MessageWire.of(m, StompVersion.V1_2);
        assertSame(v12, MessageWire.of(m, StompVersion.V1_2), "encoded once");
        assertTrue(v12.text());
        Captured plain = new Captured();
        assertTrue(v12.sendTo(plain, subscription("s1", AckMode.AUTO, StompVersion.V1_2), false, false) > 0);
        StompFrame f = parse(plain.text(), StompVersion.V1_2);
        assertEquals("s1", f.header("subscription"));
        assertEquals("/topic/a:b", f.header("destination"));
        assertEquals("v\nw", f.header("x-h"), "escaped in 1.2, read back whole");
        assertNull(f.header("ack"));
        assertEquals("héllo", new String(f.body(), StandardCharsets.UTF_8));

        Captured acking = new Captured();
        v12.sendTo(acking, subscription("s2", AckMode.CLIENT, StompVersion.V1_2), true, false);
        StompFrame g = parse(acking.text(), StompVersion.V1_2);
        assertEquals("id-1", g.header("ack"));
        assertEquals("true", g.header("redelivered"));
        assertFalse(plain.text().contains("redelivered"));
    }

    @Test
    void aBodyThatIsNotUtf8LeavesAsBytesAndBinaryFramesWhenAsked() throws Exception {
        Message binary = new Message("id-2", "/topic/b", "application/octet-stream", List.of(),
                new byte[] {(byte) 0xff, 0, (byte) 0xfe});
        MessageWire wire = MessageWire.of(binary, StompVersion.V1_2);
        assertFalse(wire.text());
        Captured out = new Captured();
        long size = wire.sendTo(out, subscription("s3", AckMode.AUTO, StompVersion.V1_2), false, false);
        assertTrue(out.binary());
        assertEquals(size, out.bytes().length);
        Message text = new Message("id-3", "/topic/c", "text/plain", List.of(), "hi".getBytes(StandardCharsets.UTF_8));
        Captured asked = new Captured();
        MessageWire.of(text, StompVersion.V1_2).sendTo(asked, subscription("s4", AckMode.AUTO, StompVersion.V1_2), false, true);
        assertTrue(asked.binary(), "stomp.message.frames=binary");
    }

    @Test
    void aRefusingConnectionIsReported() throws Exception {
        Message m = new Message("id-4", "/topic/d", null, List.of(), "x".getBytes(StandardCharsets.UTF_8));
        Captured closed = new Captured();
        closed.refuse();
        assertEquals(-1, MessageWire.of(m, StompVersion.V1_1).sendTo(closed,
                subscription("s5", AckMode.AUTO, StompVersion.V1_1), false, false));
    }

    @Test
    void reservedHeadersAreTheOnesAMessageSetsItself() {
        for (String name : List.of("destination", "message-id", "subscription", "ack", "content-length", "redelivered")) {
            assertTrue(MessageWire.reserved(name), name);
        }
        assertFalse(MessageWire.reserved("x-trace"));
    }
}
