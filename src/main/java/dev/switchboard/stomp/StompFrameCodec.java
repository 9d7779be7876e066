package dev.switchboard.stomp;

import jakarta.websocket.DecodeException;
import jakarta.websocket.EncodeException;
import jakarta.websocket.EndpointConfig;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Jakarta WebSocket {@code Decoder}/{@code Encoder} classes for STOMP frames, one frame per
 * whole WebSocket message (text or binary), STOMP 1.2 rules and default limits. For clients and
 * for endpoints that take whole frames; {@link StompEndpoint} itself parses message parts
 * incrementally with {@link StompDecoder}.
 */
public final class StompFrameCodec {

    private StompFrameCodec() {
    }

    static StompFrame decodeOne(ByteBuffer bytes) throws DecodeException {
        List<StompFrame> frames = new ArrayList<>(1);
        String[] problem = new String[1];
        StompDecoder parser = new StompDecoder(StompDecoder.Limits.DEFAULT, StompVersion.V1_2);
        parser.feed(bytes.duplicate(), new StompDecoder.Sink() {
            @Override
            public void frame(StompFrame frame) {
                frames.add(frame);
            }

            @Override
            public void heartbeat() {
            }

            @Override
            public void malformed(String reason, String receipt) {
                problem[0] = reason;
            }
        });
        if (problem[0] != null) {
            throw new DecodeException(bytes, problem[0]);
        }
        if (frames.size() != 1) {
            throw new DecodeException(bytes, frames.isEmpty() ? "no complete STOMP frame in the message"
                    : frames.size() + " frames in one message; this decoder takes one");
        }
        return frames.get(0);
    }

    /** Decodes a text or binary WebSocket message holding one STOMP frame. */
    public static final class Decoder implements jakarta.websocket.Decoder.Text<StompFrame>,
            jakarta.websocket.Decoder.Binary<StompFrame> {

        @Override
        public StompFrame decode(String s) throws DecodeException {
            try {
                return decodeOne(ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8)));
            } catch (DecodeException e) {
                throw new DecodeException(s, e.getMessage());
            }
        }

        @Override
        public boolean willDecode(String s) {
            return s != null && !s.isEmpty();
        }

        @Override
        public StompFrame decode(ByteBuffer bytes) throws DecodeException {
            return decodeOne(bytes);
        }

        @Override
        public boolean willDecode(ByteBuffer bytes) {
            return bytes != null && bytes.hasRemaining();
        }

        @Override
        public void init(EndpointConfig config) {
        }

        @Override
        public void destroy() {
        }
    }

    /** Encodes a STOMP frame (1.2 escaping) as one text WebSocket message. */
    public static final class Encoder implements jakarta.websocket.Encoder.Text<StompFrame> {

        @Override
        public String encode(StompFrame frame) throws EncodeException {
            if (new String(frame.body(), StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_8).length
                    != frame.body().length) {
                throw new EncodeException(frame, "the body is not UTF-8: send it as binary (StompEncoder.encode)");
            }
            return StompEncoder.encodeText(frame, StompVersion.V1_2);
        }

        @Override
        public void init(EndpointConfig config) {
        }

        @Override
        public void destroy() {
        }
    }
}
