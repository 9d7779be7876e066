package dev.switchboard.api;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Answers a SUBSCRIBE to an application destination ({@code /app/...}) once, directly to the
 * subscriber, with the method's return value: initial state a page needs when it opens (the
 * current prices, a room's last messages). The subscription is not kept; nothing else is
 * delivered on it. With {@link SendTo} or {@link SendToUser}, the value goes there instead.
 * Templates and variables as for {@link MessageMapping}.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface SubscribeMapping {
    /** Destinations, relative to {@code /app} (or to the class's {@link MessageMapping} prefix). */
    String[] value();
}
