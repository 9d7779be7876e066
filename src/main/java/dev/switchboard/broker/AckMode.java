package dev.switchboard.broker;

/** How a subscriber acknowledges what it gets. */
public enum AckMode {
    /** Delivered is done. */
    AUTO,
    /** An acknowledgement covers that message and every earlier one on the subscription. */
    CLIENT,
    /** An acknowledgement covers that one message. */
    CLIENT_INDIVIDUAL;

    /** From the STOMP {@code ack} header value; null when unknown. Absent means auto. */
    public static AckMode of(String header) {
        if (header == null || header.equals("auto")) {
            return AUTO;
        }
        return switch (header) {
            case "client" -> CLIENT;
            case "client-individual" -> CLIENT_INDIVIDUAL;
            default -> null;
        };
    }
}
