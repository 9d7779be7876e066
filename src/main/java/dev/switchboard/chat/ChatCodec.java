package dev.switchboard.chat;

import dev.switchboard.security.JsonInput;
import jakarta.json.JsonException;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.json.bind.JsonbException;
import jakarta.websocket.DecodeException;
import jakarta.websocket.EncodeException;
import jakarta.websocket.EndpointConfig;

/** The JSON-B {@link jakarta.websocket.Decoder} and {@link jakarta.websocket.Encoder} of {@link ChatMessage}s. */
public final class ChatCodec {

    private ChatCodec() {
    }

    /** JSON text → a chat message; anything but a JSON object is refused. */
    public static final class Decoder implements jakarta.websocket.Decoder.Text<ChatMessage> {
        private Jsonb jsonb;

        @Override
        public void init(EndpointConfig config) {
            jsonb = JsonbBuilder.create();
        }

        @Override
        public ChatMessage decode(String text) throws DecodeException {
            if (text == null || !text.strip().startsWith("{")) {
                throw new DecodeException(text, "a chat message is a JSON object, like {\"type\":\"TALK\",\"text\":\"hi\"}");
            }
            try {
                JsonInput.requireWhole(text);
                ChatMessage message = jsonb.fromJson(text, ChatMessage.class);
                if (message == null) {
                    throw new DecodeException(text, "empty chat message");
                }
                return message;
            } catch (JsonbException | JsonException e) {
                // the JSON library's own words name Java types: logged, not told to the client
                java.util.logging.Logger.getLogger(ChatCodec.class.getName()).fine(() -> "undecodable chat message: " + rootMessage(e));
                throw new DecodeException(text, "not a chat message: expected {\"type\":\"TALK\",\"text\":\"...\"}"
                        + " with text a string", e);
            }
        }

        /**
         * Every text: what is not a chat message is refused by {@link #decode} with a reason the
         * sender is told (a container hands a message no decoder will take to the endpoint as it is).
         */
        @Override
        public boolean willDecode(String text) {
            return text != null;
        }

        @Override
        public void destroy() {
            close(jsonb);
        }
    }

    /** A chat message → JSON text. */
    public static final class Encoder implements jakarta.websocket.Encoder.Text<ChatMessage> {
        private Jsonb jsonb;

        @Override
        public void init(EndpointConfig config) {
            jsonb = JsonbBuilder.create();
        }

        @Override
        public String encode(ChatMessage message) throws EncodeException {
            try {
                return jsonb.toJson(message);
            } catch (JsonbException e) {
                throw new EncodeException(message, "cannot encode a chat message", e);
            }
        }

        @Override
        public void destroy() {
            close(jsonb);
        }
    }

    static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? e.getMessage() : t.getMessage();
    }

    private static void close(Jsonb jsonb) {
        if (jsonb != null) {
            try {
                jsonb.close();
            } catch (Exception ignored) {
                // nothing held
            }
        }
    }
}
