package dev.switchboard.api;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Maps a method to application destinations under {@code /app}: {@code @MessageMapping("/orders")}
 * serves SENDs to {@code /app/orders}. A segment may be a variable, {@code "/chat/{room}"} (read
 * with {@link DestinationVariable}); the last segment may be {@code **}, matching the rest of the
 * destination. On a class, the value is a prefix for the mappings of its methods.
 *
 * <p>The method's return value is sent as a message: to {@link SendTo}'s destinations, to
 * {@link SendToUser}'s, or, with neither, to {@code /topic} followed by the mapped destination
 * (a SEND to {@code /app/orders} answers on {@code /topic/orders}). A method returning
 * {@code void} or null sends nothing; one returning a {@link java.util.concurrent.CompletionStage}
 * sends its result when it completes (the way off the I/O thread for slow work).
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
public @interface MessageMapping {
    /** Destinations, relative to {@code /app} (or to the class's prefix). */
    String[] value() default {};
}
