package dev.switchboard.api;

/**
 * Sending from application code, in a handler or anywhere else (a timer, a REST resource).
 * Handlers get it as a method parameter or a constructor argument; with CDI it can be injected.
 * Payloads are converted as return values are: a {@code String} as UTF-8 text, a {@code byte[]}
 * as is, anything else to JSON through JSON-B. Safe to call from any thread; it never blocks on a
 * slow client (each subscriber has its own bounded queue).
 */
public interface Messaging {

    /**
     * Publishes to a broker destination ({@code /topic/...}, {@code /queue/...}).
     *
     * @throws MessagingException when the broker refuses it (a full queue, a bad destination)
     */
    void publish(String destination, Object payload);

    /**
     * Sends to every session of {@code user} subscribed to {@code /user} + {@code destination}
     * (say {@code /queue/replies}, which the client subscribes to as {@code /user/queue/replies}).
     */
    void sendToUser(String user, String destination, Object payload);
}
