package dev.switchboard.stomp.app;

/**
 * Sending from application code: handlers get it as a constructor argument or a method
 * parameter. Payloads are converted as return values are: a String as text, a byte[] as is,
 * anything else to JSON with JSON-B.
 */
public interface Messaging {

    /**
     * Publishes to a broker destination ({@code /topic/...}, {@code /queue/...}).
     *
     * @throws MessagingException when the broker refuses it (a full queue, a bad destination)
     */
    void publish(String destination, Object payload);

    /** Sends to every session of {@code user} subscribed to {@code /user} + {@code destination}. */
    void sendToUser(String user, String destination, Object payload);
}
