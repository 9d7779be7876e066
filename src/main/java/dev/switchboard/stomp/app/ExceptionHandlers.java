package dev.switchboard.stomp.app;

import dev.switchboard.api.MessageExceptionHandler;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The application's {@link MessageExceptionHandler} methods: those of each handler class, and
 * those of classes that hold nothing else (advice for every handler class). A failure goes to the
 * closest match by exception type, its own class's first.
 */
final class ExceptionHandlers {

    /** One exception type a method handles. */
    record Handler(Class<? extends Throwable> type, HandlerMethod method) {
    }

    private final Map<Class<?>, List<Handler>> byClass = new ConcurrentHashMap<>();
    private volatile List<Handler> global = List.of();

    /** @param everyClass whether the class holds only exception handlers: advice for all */
    void add(Class<?> type, List<Handler> handlers, boolean everyClass) {
        if (handlers.isEmpty()) {
            return;
        }
        if (everyClass) {
            List<Handler> all = new ArrayList<>(global);
            all.addAll(handlers);
            global = List.copyOf(all);
        } else {
            byClass.put(type, List.copyOf(handlers));
        }
    }

    /** The handler for a failure of a method of {@code handlerClass}, or null. */
    Handler find(Class<?> handlerClass, Throwable failure) {
        Handler own = closest(byClass.getOrDefault(handlerClass, List.of()), failure);
        return own != null ? own : closest(global, failure);
    }

    private static Handler closest(List<Handler> handlers, Throwable failure) {
        Handler best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (Handler h : handlers) {
            int distance = 0;
            for (Class<?> c = failure.getClass(); c != null; c = c.getSuperclass(), distance++) {
                if (c == h.type()) {
                    if (distance < bestDistance) {
                        best = h;
                        bestDistance = distance;
                    }
                    break;
                }
            }
        }
        return best;
    }

    /** The types a method handles: its annotation's, else its {@code Throwable} parameters'. */
    @SuppressWarnings("unchecked")
    static List<Class<? extends Throwable>> handledTypes(Method method, MessageExceptionHandler annotation) {
        if (annotation.value().length > 0) {
            return List.of(annotation.value());
        }
        List<Class<? extends Throwable>> types = new ArrayList<>();
        for (Class<?> p : method.getParameterTypes()) {
            if (Throwable.class.isAssignableFrom(p)) {
                types.add((Class<? extends Throwable>) p);
            }
        }
        if (types.isEmpty()) {
            throw new IllegalArgumentException(method.getDeclaringClass().getName() + "." + method.getName()
                    + ": @MessageExceptionHandler names its exception types or takes one as a parameter");
        }
        return types;
    }
}
