package dev.switchboard.stomp.app;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** Where a handler method's return value is published (broker destinations such as {@code /topic/messages}; may use the mapping's {@code {variables}}). Without it (and without {@link SendToUser}) a return value goes to {@code /topic} + the mapped destination. */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface SendTo {
    String[] value();
}
