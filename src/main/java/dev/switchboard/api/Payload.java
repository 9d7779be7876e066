package dev.switchboard.api;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The frame's body, converted to the parameter's type by its content type: {@code String} (UTF-8),
 * {@code byte[]} as is, anything else from JSON through JSON-B. A parameter without an annotation
 * that is none of the injected types (principal, session, {@link Messaging}) is the payload too;
 * the annotation makes it explicit. A body that does not convert is answered to the sender.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
public @interface Payload {
}
