package dev.switchboard.security;

/**
 * What one connection may send: messages (STOMP frames, chat or echo messages) and bytes a
 * second, each a token bucket with bursts. One per connection, used on its serial input path.
 */
public final class InboundRate {

    /**
     * The deployment's limits; the handshake hands them to endpoints under {@link Limits#KEY}.
     *
     * @param messages       per connection
     * @param bytes          per connection
     * @param addressBytes   all connections of one client address together
     */
    public record Limits(RateLimit messages, RateLimit bytes, AddressRates addressBytes) {
        public static final String KEY = InboundRate.class.getName();
        public static final Limits NONE = new Limits(RateLimit.NONE, RateLimit.NONE, AddressRates.none());
    }

    private final RateLimit messages;
    private final RateLimit bytes;
    private final TokenBucket messageBucket;
    private final TokenBucket byteBucket;
    private final TokenBucket addressBucket;   // shared with the address's other connections
    private final RateLimit addressBytes;

    /** A new connection's rates, from the limits its handshake handed the endpoint under {@link Limits#KEY} (null: none). */
    public static InboundRate forEndpoint(Object limits, String address) {
        return new InboundRate(limits instanceof Limits given ? given : Limits.NONE, address);
    }

    /** Null when a message part of {@code n} bytes ({@code last}: ending a message) is within both rates. */
    public String part(int n, boolean last) {
        String over = bytes(n);
        return over != null || !last ? over : message();
    }

    /** The rates of a connection from {@code address}. */
    public InboundRate(Limits limits, String address) {
        long now = System.nanoTime();
        this.messages = limits.messages();
        this.bytes = limits.bytes();
        this.messageBucket = messages.bucket(now);
        this.byteBucket = bytes.bucket(now);
        this.addressBytes = limits.addressBytes().limit();
        this.addressBucket = limits.addressBytes().bucket(address);
    }

    /** Null when {@code n} more bytes are within the rate, else what was exceeded. */
    public String bytes(int n) {
        long now = System.nanoTime();
        if (byteBucket != null && !byteBucket.take(n, now)) {
            return "more than " + bytes + " bytes a second";
        }
        if (addressBucket != null) {
            synchronized (addressBucket) {
                if (!addressBucket.take(n, now)) {
                    return "with the other connections of its address, more than " + addressBytes + " bytes a second";
                }
            }
        }
        return null;
    }

    /** Null when one more message is within the rate, else what was exceeded. */
    public String message() {
        if (messageBucket == null || messageBucket.take(1, System.nanoTime())) {
            return null;
        }
        return "more than " + messages + " messages a second";
    }
}
