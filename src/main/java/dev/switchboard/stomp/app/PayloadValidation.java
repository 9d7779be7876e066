package dev.switchboard.stomp.app;

import java.lang.annotation.Annotation;
import java.lang.reflect.Parameter;
import java.util.TreeSet;
import java.util.logging.Logger;

/**
 * {@code @Valid} payloads checked with Jakarta Validation, where the application or the container
 * has a provider (WildFly has one; on Tomcat, Hibernate Validator in the WAR). Without one, a
 * {@code @Valid} is ignored with a warning at registration. The API's classes are touched only
 * when a provider is there, so a WAR without them never loads them.
 */
final class PayloadValidation {

    private static final Logger LOG = Logger.getLogger(PayloadValidation.class.getName());
    private static final String VALID = "jakarta.validation.Valid";

    private volatile Provider provider;
    private volatile boolean unavailable;
    private volatile String why;

    /** Whether the parameter asks for validation. */
    static boolean requested(Parameter p) {
        for (Annotation a : p.getAnnotations()) {
            if (a.annotationType().getName().equals(VALID)) {
                return true;
            }
        }
        return false;
    }

    /** Whether payloads can be validated here; a warning names the method when they cannot. */
    boolean available(String method) {
        if (provider == null && !unavailable) {
            synchronized (this) {
                if (provider == null && !unavailable) {
                    try {
                        provider = new Provider();
                    } catch (LinkageError | RuntimeException e) {
                        unavailable = true;
                        why = e.toString();
                    }
                }
            }
        }
        if (provider == null) {
            LOG.warning(() -> "@Valid on " + method + " is ignored: no Jakarta Validation provider here (" + why
                    + "); add one (Hibernate Validator) to the WAR");
        }
        return provider != null;
    }

    /** Null when the value is valid, else what is wrong with it, for the sender. */
    String problems(Object value) {
        return provider.problems(value);
    }

    /** Loaded only when Jakarta Validation is on the classpath. */
    private static final class Provider {
        private final jakarta.validation.Validator validator =
                jakarta.validation.Validation.buildDefaultValidatorFactory().getValidator();

        String problems(Object value) {
            var violations = validator.validate(value);
            if (violations.isEmpty()) {
                return null;
            }
            TreeSet<String> each = new TreeSet<>();
            for (var v : violations) {
                String path = v.getPropertyPath().toString();
                each.add((path.isEmpty() ? "" : path + " ") + v.getMessage());
            }
            return String.join("; ", each);
        }
    }
}
