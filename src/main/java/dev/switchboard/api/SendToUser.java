package dev.switchboard.api;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Sends a handler's return value to the sending user's destination, say {@code /queue/replies}:
 * the client subscribes to {@code /user/queue/replies}. With {@code broadcast} (the default) every
 * session of that user subscribed there gets it; without, only the session that sent the message.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface SendToUser {
    String[] value();

    /** Whether every session of the user gets it, or only the sending session. */
    boolean broadcast() default true;
}
