package dev.switchboard.stomp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import dev.switchboard.testing.CollectingSink;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * Encode then decode gives back the frame, for arbitrary frames in every version, whatever the
 * split of the bytes into WebSocket messages, with several frames and heart-beats in between.
 */
class StompCodecPropertiesTest {

    @Provide
    Arbitrary<StompFrame> frames() {
        Arbitrary<StompCommand> commands = Arbitraries.of(StompCommand.values())
                .filter(c -> c != StompCommand.CONNECT && c != StompCommand.STOMP && c != StompCommand.CONNECTED);
        // Any text, including the characters escaping is for (\n : \\ \r) and non-ASCII.
        Arbitrary<String> names = Arbitraries.strings().withChars("abc-:\\\n\réü\u4e2d").ofMinLength(1).ofMaxLength(8)
                .filter(n -> !n.equals("content-length"));
        Arbitrary<String> values = Arbitraries.strings().withChars("xyz :\\\n\r0é\u4e2d").ofMaxLength(12);
        Arbitrary<List<String>> headers = Combinators.combine(names, values).as(List::of).list().ofMaxSize(6)
                .map(pairs -> {
                    List<String> flat = new ArrayList<>();
                    pairs.forEach(flat::addAll);
                    return flat;
                });
        Arbitrary<byte[]> bodies = Arbitraries.bytes().array(byte[].class).ofMaxSize(64);
        return Combinators.combine(commands, headers, bodies).as((command, h, body) ->
                new StompFrame(command, StompHeaders.of(h.toArray(String[]::new)), command.mayHaveBody() ? body : null));
    }

    @Provide
    Arbitrary<List<StompFrame>> frameLists() {
        return frames().list().ofMinSize(1).ofMaxSize(5);
    }

    /** The frame as it must come back: content-length added when the encoder writes one; 1.0/1.1 drop what they cannot carry. */
    static StompFrame expected(StompFrame f, StompVersion v) {
        StompHeaders kept = StompHeaders.EMPTY;
        for (int i = 0; i < f.headers().size(); i++) {
            String n = f.headers().name(i);
            String val = f.headers().value(i);
            boolean cr = n.indexOf('\r') >= 0 || val.indexOf('\r') >= 0;
            boolean lf = n.indexOf('\n') >= 0 || val.indexOf('\n') >= 0;
            if (v == StompVersion.V1_0 && (cr || lf || n.indexOf(':') >= 0)) {
                continue;
            }
            if (v == StompVersion.V1_1 && cr) {
                continue;
            }
            kept = kept.with(n, val);
        }
        if (f.body().length > 0 || f.command() == StompCommand.MESSAGE || f.command() == StompCommand.SEND) {
            kept = kept.with("content-length", Integer.toString(f.body().length));
        }
        return new StompFrame(f.command(), kept, f.body());
    }

    @Property(tries = 400)
    void roundTripsInEveryVersionWhateverTheSplit(@ForAll("frameLists") List<StompFrame> frames,
                                                  @ForAll StompVersion version,
                                                  @ForAll @IntRange(min = 1, max = 40) int chunk,
                                                  @ForAll @IntRange(min = 0, max = 2) int eolsBetween) {
        ByteBuffer wire = ByteBuffer.allocate(1 << 16);
        for (StompFrame f : frames) {
            wire.put(StompEncoder.encode(f, version));
            for (int i = 0; i < eolsBetween; i++) {
                wire.put((byte) '\n');
            }
        }
        wire.flip();
        StompDecoder decoder = new StompDecoder(StompDecoder.Limits.DEFAULT, version);
        CollectingSink result = new CollectingSink();
        while (wire.hasRemaining()) {
            ByteBuffer part = wire.slice();
            part.limit(Math.min(chunk, part.remaining()));
            wire.position(wire.position() + part.limit());
            decoder.feed(part, result);
        }
        assertNull(result.malformed, result.malformed);
        assertEquals(frames.stream().map(f -> expected(f, version)).toList(), result.frames);
        assertEquals(frames.size() * eolsBetween, result.heartbeats);
    }

    @Property(tries = 300)
    void textEncodingMatchesByteEncodingForUtf8Bodies(@ForAll("frames") StompFrame frame, @ForAll StompVersion version) {
        StompFrame textual = new StompFrame(frame.command(), frame.headers(),
                frame.command().mayHaveBody() ? "body é \0 z".getBytes(java.nio.charset.StandardCharsets.UTF_8) : null);
        assertEquals(new String(StompEncoder.encode(textual, version), java.nio.charset.StandardCharsets.UTF_8),
                StompEncoder.encodeText(textual, version));
    }

    @Property(tries = 300)
    void garbageNeverThrowsAndEndsInAFrameOrAReason(@ForAll byte[] garbage, @ForAll StompVersion version) {
        StompDecoder decoder = new StompDecoder(new StompDecoder.Limits(256, 8, 64), version);
        CollectingSink result = new CollectingSink();
        decoder.feed(garbage, result);
        if (result.malformed != null) {
            assertEquals(true, decoder.broken());
        }
    }
}
