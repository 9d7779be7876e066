package dev.switchboard.api;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Where a handler's return value is published: broker destinations such as
 * {@code /topic/orders.{store}}, where {@code {store}} is filled from the mapped destination's
 * variables.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface SendTo {
    String[] value();
}
