package dev.switchboard.api;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Handles exceptions thrown by the {@link MessageMapping} and {@link SubscribeMapping} methods of
 * the same class, or of every handler class when it is declared on a {@link MessageController}
 * that has no mappings of its own. The closest match by exception type wins. Its parameters are
 * the exception and anything a handler method may take; its return value is sent like a
 * handler's ({@link SendTo}, {@link SendToUser}; with neither, to the sending session's error
 * destination, {@code /user/queue/errors} by default). The connection stays open.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface MessageExceptionHandler {
    /** The exception types handled; empty: the types of the method's {@code Throwable} parameters. */
    Class<? extends Throwable>[] value() default {};
}
