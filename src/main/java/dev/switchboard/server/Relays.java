package dev.switchboard.server;

import dev.switchboard.broker.Relay;
import java.util.concurrent.ScheduledExecutorService;

/** Makes the relay the {@code broker.relay} setting asks for. */
final class Relays {

    private Relays() {
    }

    /**
     * @throws IllegalStateException when a relay is asked for but Lettuce is missing, or its URI is unreadable
     */
    static Relay open(Settings settings, ScheduledExecutorService timer, ClassLoader loader) {
        String uri = settings.get(ClusterSettings.BROKER_RELAY);
        if (uri.isEmpty()) {
            return Relay.NONE;
        }
        try {
            Class.forName("io.lettuce.core.RedisClient", false, loader);
        } catch (ClassNotFoundException | LinkageError e) {
            throw new IllegalStateException("broker.relay is set but Lettuce is not in the application: add"
                    + " io.lettuce:lettuce-core (and org.slf4j:slf4j-jdk14) to the WAR, as the demo WAR has them");
        }
        try {
            return new dev.switchboard.broker.redis.RedisRelay(uri, settings.get(ClusterSettings.BROKER_RELAY_NAMESPACE),
                    timer, settings.get(Settings.STOMP_QUEUE_BUFFER_MAX), settings.get(ClusterSettings.BROKER_RELAY_QUEUES_MAX));
        } catch (IllegalArgumentException e) {
            String why = String.valueOf(e.getMessage()).replace(uri, "<broker.relay>");
            throw new IllegalStateException("broker.relay: not a Redis URI Lettuce can read: " + why);
        }
    }
}
