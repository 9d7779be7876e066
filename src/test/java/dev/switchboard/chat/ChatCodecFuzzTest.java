package dev.switchboard.chat;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** The chat endpoint's JSON-B decoder on arbitrary and mutated JSON: only {@code DecodeException} escapes. */
class ChatCodecFuzzTest {

    @Provide
    Arbitrary<String> texts() {
        Arbitrary<String> noise = Arbitraries.strings().withChars("{}[]\":,\\ abtyperxTALK0-9.eE").ofMaxLength(120);
        Arbitrary<String> mutated = Arbitraries.strings().withChars("\"{}:,TALKFOO0 \\").ofMaxLength(12)
                .map(s -> "{\"type\":\"TALK\",\"text\":\"hi\"," + s + "}");
        Arbitrary<String> types = Arbitraries.strings().withChars("ABCDEFGHIJKLMNOPQRSTUVWXYZ").ofMaxLength(8)
                .map(t -> "{\"type\":\"" + t + "\",\"text\":\"x\",\"members\":[1,{}],\"history\":\"no\"}");
        // cut short inside a property the message does not have (JSON-B alone never returned on these)
        Arbitrary<String> cut = Arbitraries.integers().between(1, 60)
                .map(n -> "{\"type\":\"TALK\",\"text\":\"hi\",\"extra\":{\"a\":[1,{\"b\":2}],\"c\":{}}}".substring(0, n));
        return Arbitraries.oneOf(noise, mutated, types, cut);
    }

    @Property(tries = 1500)
    void onlyDecodeExceptionEscapes(@ForAll("texts") String text) {
        ChatCodec.Decoder decoder = new ChatCodec.Decoder();
        decoder.init(null);
        try {
            // bounded: a decoder that never returns (as JSON-B alone did on text cut short) fails the property
            org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(5), () -> {
                try {
                    decoder.decode(text);
                } catch (jakarta.websocket.DecodeException expected) {
                    // a clear refusal, answered to the client as a SYSTEM notice
                }
            }, () -> "decoding " + text);
        } finally {
            decoder.destroy();
        }
    }
}
