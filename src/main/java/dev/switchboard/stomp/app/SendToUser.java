package dev.switchboard.stomp.app;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** Sends a handler method's return value to the sending user's destination (say {@code /queue/replies}): every session of that user subscribed to {@code /user/queue/replies} gets it. */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface SendToUser {
    String value();
}
