package dev.switchboard.stomp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import dev.switchboard.testing.CollectingSink;
import org.junit.jupiter.api.Test;

/** The parser against the STOMP 1.2 spec's rules, one rule per test, and every malformed case it implies. */
class StompDecoderTest {

    static CollectingSink parse(StompVersion version, String... chunks) {
        return parse(StompDecoder.Limits.DEFAULT, version, chunks);
    }

    static CollectingSink parse(StompDecoder.Limits limits, StompVersion version, String... chunks) {
        StompDecoder decoder = new StompDecoder(limits, version);
        CollectingSink result = new CollectingSink();
        for (String chunk : chunks) {
            decoder.feed(chunk.getBytes(StandardCharsets.UTF_8), result);
        }
        return result;
    }

    static StompFrame one(CollectingSink r) {
        assertNull(r.malformed, r.malformed);
        assertEquals(1, r.frames.size(), r.frames.toString());
        return r.frames.get(0);
    }

    @Test
    void aFrameIsCommandHeadersBlankLineBodyNul() {
        StompFrame f = one(parse(StompVersion.V1_2, "SEND\ndestination:/queue/a\n\nhello\0"));
        assertEquals(StompCommand.SEND, f.command());
        assertEquals("/queue/a", f.header("destination"));
        assertEquals("hello", f.bodyText());
    }

    @Test
    void crlfLineEndsAreAccepted() {
        StompFrame f = one(parse(StompVersion.V1_2, "SEND\r\ndestination:/queue/a\r\n\r\nhi\0"));
        assertEquals("/queue/a", f.header("destination"));
        assertEquals("hi", f.bodyText());
    }

    @Test
    void repeatedHeadersKeepTheFirstValue() {
        StompFrame f = one(parse(StompVersion.V1_2, "MESSAGE\nfoo:World\nfoo:Hello\n\n\0"));
        assertEquals("World", f.header("foo"));
        assertEquals(2, f.headers().size());
    }

    @Test
    void contentLengthBodiesMayContainNul() {
        StompFrame f = one(parse(StompVersion.V1_2, "SEND\ndestination:/a\ncontent-length:5\n\na\0b\0c\0"));
        assertArrayEquals(new byte[] {'a', 0, 'b', 0, 'c'}, f.body());
    }

    @Test
    void contentLengthCountsOctetsNotCharacters() {
        StompFrame f = one(parse(StompVersion.V1_2, "SEND\ndestination:/a\ncontent-length:3\n\nhé\0"));
        assertEquals("hé", f.bodyText());
    }

    @Test
    void eolsBetweenFramesAreHeartBeats() {
        CollectingSink r = parse(StompVersion.V1_2, "\n\r\nSEND\ndestination:/a\n\n\0\n\nSEND\ndestination:/b\n\n\0\n");
        assertNull(r.malformed);
        assertEquals(2, r.frames.size());
        assertEquals(5, r.heartbeats);
    }

    @Test
    void aFrameMaySpanAnySplitOfTheInput() {
        String wire = "SEND\r\ndestination:/a\r\ncontent-length:4\r\n\r\nab\0c\0MESSAGE\nx:y\n\nz\0";
        for (int cut = 0; cut <= wire.length(); cut++) {
            CollectingSink r = parse(StompVersion.V1_2, wire.substring(0, cut), wire.substring(cut));
            assertNull(r.malformed, "cut at " + cut);
            assertEquals(2, r.frames.size(), "cut at " + cut);
            assertArrayEquals(new byte[] {'a', 'b', 0, 'c'}, r.frames.get(0).body());
        }
    }

    @Test
    void stomp12UnescapesBackslashSequencesIncludingCr() {
        StompFrame f = one(parse(StompVersion.V1_2, "SEND\na\\cb:1\\n2\\c3\\\\4\\r5\n\n\0"));
        assertEquals("1\n2:3\\4\r5", f.header("a:b"));
    }

    @Test
    void stomp11HasNoCrEscape() {
        CollectingSink r = parse(StompVersion.V1_1, "SEND\nx:a\\rb\n\n\0");
        assertTrue(r.malformed.contains("\\r"), r.malformed);
        assertEquals("1\n2:3\\4", one(parse(StompVersion.V1_1, "SEND\nx:1\\n2\\c3\\\\4\n\n\0")).header("x"));
    }

    @Test
    void stomp10TakesBackslashesLiterally() {
        assertEquals("a\\cb\\n", one(parse(StompVersion.V1_0, "SEND\nx:a\\cb\\n\n\n\0")).header("x"));
    }

    @Test
    void connectHeadersAreNeverUnescaped() {
        assertEquals("pa\\ss", one(parse(StompVersion.V1_2, "CONNECT\npasscode:pa\\ss\n\n\0")).header("passcode"));
    }

    @Test
    void theFirstColonSplitsNameAndValue() {
        assertEquals("b:c", one(parse(StompVersion.V1_0, "SEND\na:b:c\n\n\0")).header("a"));
    }

    @Test
    void anUndefinedEscapeIsMalformed() {
        CollectingSink r = parse(StompVersion.V1_2, "SEND\nreceipt:9\nx:\\t\n\n\0");
        assertTrue(r.malformed.contains("undefined escape"), r.malformed);
        assertEquals("9", r.receipt);
        assertTrue(parse(StompVersion.V1_2, "SEND\nx:trailing\\\n\n\0").malformed.contains("escape"));
    }

    @Test
    void anUnknownCommandIsMalformed() {
        assertTrue(parse(StompVersion.V1_2, "send\n\n\0").malformed.contains("unknown command"));
        assertTrue(parse(StompVersion.V1_2, "HELLO\n\n\0").malformed.contains("unknown command \"HELLO\""));
    }

    @Test
    void aHeaderWithoutColonIsMalformed() {
        assertTrue(parse(StompVersion.V1_2, "SEND\nnocolon\n\n\0").malformed.contains("without a colon"));
        assertTrue(parse(StompVersion.V1_2, "SEND\n:value\n\n\0").malformed.contains("empty name"));
    }

    @Test
    void aBadContentLengthIsMalformed() {
        assertTrue(parse(StompVersion.V1_2, "SEND\ncontent-length:abc\n\n\0").malformed.contains("content-length"));
        assertTrue(parse(StompVersion.V1_2, "SEND\ncontent-length:-1\n\n\0").malformed.contains("content-length"));
    }

    @Test
    void aBodyLongerThanItsContentLengthIsMalformed() {
        assertTrue(parse(StompVersion.V1_2, "SEND\ncontent-length:2\n\nabc\0").malformed.contains("NUL"));
    }

    @Test
    void aLoneCrBetweenFramesIsMalformed() {
        assertTrue(parse(StompVersion.V1_2, "\rSEND\n\n\0").malformed.contains("CR"));
    }

    @Test
    void framesOtherThanSendMessageErrorMustNotHaveABody() {
        assertTrue(parse(StompVersion.V1_2, "SUBSCRIBE\nid:1\ndestination:/a\n\nbody\0").malformed.contains("must not have a body"));
        one(parse(StompVersion.V1_2, "ERROR\nmessage:x\n\nwhy\0"));
    }

    @Test
    void limitsAreEnforcedWhileReading() {
        StompDecoder.Limits small = new StompDecoder.Limits(100, 3, 30);
        assertTrue(parse(small, StompVersion.V1_2, "SEND\n\n" + "x".repeat(200)).malformed.contains("larger than 100"),
                "no NUL needed: refused while the body is read");
        assertTrue(parse(small, StompVersion.V1_2, "SEND\ncontent-length:500\n\n").malformed.contains("content-length 500"));
        assertTrue(parse(small, StompVersion.V1_2, "SEND\na:1\nb:2\nc:3\nd:4\n\n\0").malformed.contains("more than 3 headers"));
        assertTrue(parse(small, StompVersion.V1_2, "SEND\nx:" + "y".repeat(40)).malformed.contains("longer than 30"));
        assertTrue(parse(small, StompVersion.V1_2, "S".repeat(40)).malformed.contains("command line"));
    }

    @Test
    void afterAMalformedFrameNothingMoreIsRead() {
        CollectingSink r = parse(StompVersion.V1_2, "BAD\n\n\0SEND\n\n\0");
        assertTrue(r.frames.isEmpty());
        assertTrue(r.malformed.contains("BAD"));
    }
}
