package dev.switchboard.stomp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.testing.CollectingSink;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Arbitrary bytes and mutations of valid frames, split anywhere: the decoder never throws, never
 * holds a body buffer larger than its frame limit, and gives back every byte it charged once a
 * frame is done or broken. (jqwik: see DEPENDENCIES for why not Jazzer.)
 */
class StompDecoderFuzzTest {

    private static final StompDecoder.Limits SMALL = new StompDecoder.Limits(512, 8, 128);

    /** Counts what the decoder holds; refuses past {@code max} like a full budget. */
    static final class Ledger implements StompDecoder.Allocator {
        final int max;
        int held;
        int peak;

        Ledger(int max) {
            this.max = max;
        }

        @Override
        public String grow(int bytes) {
            if (held + bytes > max) {
                return "budget full";
            }
            held += bytes;
            peak = Math.max(peak, held);
            return null;
        }

        @Override
        public void shrink(int bytes) {
            held -= bytes;
        }
    }

    @Provide
    Arbitrary<byte[]> inputs() {
        Arbitrary<byte[]> noise = Arbitraries.bytes().array(byte[].class).ofMaxSize(2000);
        Arbitrary<byte[]> mutated = Arbitraries.of(
                        "CONNECT\naccept-version:1.2\nhost:x\n\n\0",
                        "SEND\ndestination:/queue/a\ncontent-length:5\n\nhello\0\n",
                        "SUBSCRIBE\nid:1\ndestination:/topic/**\nreceipt:r\n\n\0",
                        "SEND\ndestination:/topic/a\n\n" + "b".repeat(600) + "\0",
                        "ACK\nid:\\c\\n\\\\\n\n\0")
                .flatMap(frame -> Arbitraries.integers().between(0, frame.length() - 1).list().ofMaxSize(6)
                        .flatMap(at -> Arbitraries.bytes().list().ofSize(at.size()).map(with -> {
                            byte[] bytes = frame.repeat(3).getBytes(StandardCharsets.UTF_8);
                            for (int i = 0; i < at.size(); i++) {
                                bytes[at.get(i)] = with.get(i);
                            }
                            return bytes;
                        })));
        return Arbitraries.oneOf(noise, mutated);
    }

    @Property(tries = 2000)
    void anyInputInAnySplitIsAFrameAHeartbeatOrOneMalformation(@ForAll("inputs") byte[] input,
                                                                @ForAll List<@net.jqwik.api.constraints.IntRange(min = 1, max = 64) Integer> splits) {
        Ledger ledger = new Ledger(600);
        StompDecoder decoder = new StompDecoder(SMALL, StompVersion.V1_2, ledger);
        CollectingSink sink = new CollectingSink();
        int at = 0;
        int k = 0;
        while (at < input.length) {
            int n = splits.isEmpty() ? input.length : Math.min(input.length - at, splits.get(k++ % splits.size()));
            decoder.feed(ByteBuffer.wrap(input, at, n), sink);
            at += n;
            assertTrue(ledger.held <= SMALL.frameMax(), "holds " + ledger.held);
        }
        for (StompFrame f : sink.frames) {
            assertTrue(f.body() == null || f.body().length <= SMALL.frameMax());
        }
        decoder.release();
        assertEquals(0, ledger.held, "every byte charged is given back");
        assertTrue(ledger.peak <= SMALL.frameMax());
    }

    /** A sink that ends its session on the first frame, as an ERROR does: the rest of the input charges nothing. */
    @Property(tries = 300)
    void aSessionEndedInsideAFrameLeavesNothingCharged(@ForAll("inputs") byte[] input) {
        Ledger ledger = new Ledger(600);
        StompDecoder[] decoder = new StompDecoder[1];
        int[] frames = new int[1];
        StompDecoder.Sink sink = new StompDecoder.Sink() {
            @Override
            public void frame(StompFrame frame) {
                frames[0]++;
                decoder[0].release();
            }

            @Override
            public void heartbeat() {
            }

            @Override
            public void malformed(String reason, String receipt) {
            }
        };
        decoder[0] = new StompDecoder(SMALL, StompVersion.V1_2, ledger);
        decoder[0].feed(ByteBuffer.wrap(input), sink);
        assertTrue(frames[0] <= 1);
        assertEquals(0, ledger.held);
    }
}
