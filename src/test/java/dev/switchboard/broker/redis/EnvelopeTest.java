package dev.switchboard.broker.redis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.switchboard.broker.Message;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class EnvelopeTest {

    @Test
    void aMessageCrossesWhole() {
        byte[] body = {0, 1, (byte) 0xff, 'x'}; // not UTF-8: binary bodies cross too
        Message m = new Message("id-1", "/topic/é", "application/octet-stream", List.of("x-a", "1", "x-b", "ü:\n"), body);
        Envelope.Received in = Envelope.decode(Envelope.encode("node-1", m));
        assertEquals("node-1", in.origin());
        assertEquals("id-1", in.message().id());
        assertEquals("/topic/é", in.message().destination());
        assertEquals("application/octet-stream", in.message().contentType());
        assertEquals(List.of("x-a", "1", "x-b", "ü:\n"), in.message().headers());
        assertArrayEquals(body, in.message().body());
        assertNull(in.message().text());
    }

    @Test
    void noContentTypeAndAnEmptyBodyStayThat() {
        Message m = new Message("i", "/user/bob/queue/x", null, List.of(), new byte[0]);
        Message back = Envelope.decode(Envelope.encode("n", m)).message();
        assertNull(back.contentType());
        assertEquals(0, back.body().length);
        assertEquals("", back.text());
    }

    @Test
    void aBigBodyCrosses() {
        byte[] body = "ab".repeat(300_000).getBytes(StandardCharsets.UTF_8);
        assertArrayEquals(body, Envelope.decode(Envelope.encode("n", new Message("i", "/topic/t", null, List.of(), body)))
                .message().body());
    }

    @Test
    void anythingElseIsRefusedNotMisread() {
        byte[] good = Envelope.encode("n", new Message("i", "/topic/t", "text/plain", List.of("a", "b"), new byte[] {1, 2}));
        for (int cut = 0; cut < good.length; cut++) {
            byte[] shorter = Arrays.copyOf(good, cut);
            assertThrows(IllegalArgumentException.class, () -> Envelope.decode(shorter), "cut at " + cut);
        }
        byte[] longer = Arrays.copyOf(good, good.length + 1);
        assertThrows(IllegalArgumentException.class, () -> Envelope.decode(longer));
        byte[] otherVersion = good.clone();
        otherVersion[0] = 2;
        assertThrows(IllegalArgumentException.class, () -> Envelope.decode(otherVersion));
        byte[] hugeLength = good.clone();
        hugeLength[1] = 0x7f; // the origin's length: past the end
        assertThrows(IllegalArgumentException.class, () -> Envelope.decode(hugeLength));
        assertThrows(IllegalArgumentException.class, () -> Envelope.decode("PUBLISH from redis-cli".getBytes(StandardCharsets.UTF_8)));
    }
}
