package dev.switchboard.server;

import java.lang.annotation.Annotation;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;

/**
 * Instances from the container's CDI, when it has one: looked up by reflection, so that a plain
 * Tomcat (no CDI) needs no CDI classes at all.
 */
final class Cdi {

    private Cdi() {
    }

    /** The bean CDI makes for the class, or null when there is no CDI or it does not manage the class. */
    static Object instance(Class<?> type) {
        ClassLoader loader = type.getClassLoader();
        Class<?> cdi;
        Class<?> instance;
        try {
            cdi = Class.forName("jakarta.enterprise.inject.spi.CDI", false, loader);
            instance = Class.forName("jakarta.enterprise.inject.Instance", false, loader);
        } catch (ClassNotFoundException | LinkageError absent) {
            return null;
        }
        try {
            Object current = cdi.getMethod("current").invoke(null);
            Object selected = cdi.getMethod("select", Class.class, Annotation[].class)
                    .invoke(current, type, new Annotation[0]);
            Method resolvable = instance.getMethod("isResolvable");
            if (!(Boolean) resolvable.invoke(selected)) {
                return null;
            }
            return instance.getMethod("get").invoke(selected);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof IllegalStateException) {
                return null; // the CDI API is there but no implementation runs this application
            }
            throw new IllegalArgumentException("CDI could not create " + type.getName() + ": " + e.getCause(),
                    e.getCause());
        } catch (ReflectiveOperationException e) {
            return null;
        }
    }
}
