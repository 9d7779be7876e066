package dev.switchboard.api;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a class whose methods handle messages ({@link MessageMapping}, {@link SubscribeMapping},
 * {@link MessageExceptionHandler}). Switchboard finds such classes in the application's WAR when it
 * deploys (the container's {@code @HandlesTypes} scan, which looks at class annotations only) and
 * creates one instance per deployment: from CDI when the container has it, otherwise through a
 * public constructor taking nothing or a {@link Messaging}.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface MessageController {
}
