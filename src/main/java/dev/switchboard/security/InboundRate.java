package dev.switchboard.security;

/**
 * What one connection may send: messages (STOMP frames, chat or echo messages) and bytes a
 * second, each a token bucket with bursts. One per connection, used on its serial input path.
 */
public final class InboundRate {

    /** The deployment's limits; the handshake hands them to endpoints under {@link Limits#KEY}. */
    public record Limits(RateLimit messages, RateLimit bytes) {
        public static final String KEY = InboundRate.class.getName();
        public static final Limits NONE = new Limits(RateLimit.NONE, RateLimit.NONE);
    }

    private final RateLimit messages;
    private final RateLimit bytes;
    private final TokenBucket messageBucket;
    private final TokenBucket byteBucket;

    /** A new connection's rates, from the limits its handshake left in the endpoint's user properties. */
    public static InboundRate forEndpoint(jakarta.websocket.EndpointConfig config) {
        Object limits = config.getUserProperties().get(Limits.KEY);
        Limits l = limits instanceof Limits given ? given : Limits.NONE;
        return new InboundRate(l.messages(), l.bytes());
    }

    /** Null when a message part of {@code n} bytes ({@code last}: ending a message) is within both rates. */
    public String part(int n, boolean last) {
        String over = bytes(n);
        return over != null || !last ? over : message();
    }

    public InboundRate(RateLimit messages, RateLimit bytes) {
        long now = System.nanoTime();
        this.messages = messages;
        this.bytes = bytes;
        this.messageBucket = messages.bucket(now);
        this.byteBucket = bytes.bucket(now);
    }

    /** Null when {@code n} more bytes are within the rate, else what was exceeded. */
    public String bytes(int n) {
        if (byteBucket == null || byteBucket.take(n, System.nanoTime())) {
            return null;
        }
        return "more than " + bytes + " bytes a second";
    }

    /** Null when one more message is within the rate, else what was exceeded. */
    public String message() {
        if (messageBucket == null || messageBucket.take(1, System.nanoTime())) {
            return null;
        }
        return "more than " + messages + " messages a second";
    }
}
