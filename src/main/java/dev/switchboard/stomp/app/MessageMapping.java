package dev.switchboard.stomp.app;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** Maps a handler method to an application destination under {@code /app}: {@code @MessageMapping("/echo")} serves SENDs to {@code /app/echo}. Segments may be variables: {@code "/chat/{room}"}, read with {@link DestinationVariable}. */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface MessageMapping {
    String[] value();
}
