package dev.switchboard.server;

import dev.switchboard.api.HandshakeInterceptor;
import dev.switchboard.api.InboundInterceptor;
import dev.switchboard.api.MessageController;
import dev.switchboard.api.Messaging;
import dev.switchboard.api.MessagingApplication;
import dev.switchboard.api.SessionListener;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.logging.Logger;

/**
 * The application's handlers, interceptors and listeners, created once per deployment: found by
 * the container's scan ({@link ApplicationScan}), listed by a {@link MessagingApplication}, or
 * named by the {@code stomp.handlers} setting. Instances come from CDI when the container offers
 * it and knows the class (WildFly, or any container with a CDI implementation), otherwise from a
 * public constructor taking a {@link Messaging} or nothing. A class that cannot be created stops
 * the deployment, naming the class.
 */
final class ApplicationParts {

    private static final Logger LOG = Logger.getLogger(ApplicationParts.class.getName());

    final List<Object> handlers = new ArrayList<>();
    final List<InboundInterceptor> inboundInterceptors = new ArrayList<>();
    final List<HandshakeInterceptor> handshakeInterceptors = new ArrayList<>();
    final List<SessionListener> listeners = new ArrayList<>();
    /** What Switchboard made itself (not CDI): closed on undeploy when it is {@link AutoCloseable}. */
    private final List<Object> made = new ArrayList<>();

    /**
     * @param scanned      what the container's scan found (may include abstract types: skipped)
     * @param application  a {@link MessagingApplication} class name, or empty
     * @param handlerNames more handler class names
     */
    static ApplicationParts create(Set<Class<?>> scanned, String application, List<String> handlerNames,
                                   ClassLoader loader, Messaging messaging) {
        Map<String, Class<?>> classes = new TreeMap<>(); // by name: a stable order for interceptors
        List<Class<?>> applications = new ArrayList<>();
        for (Class<?> type : scanned) {
            if (concrete(type)) {
                if (MessagingApplication.class.isAssignableFrom(type)) {
                    applications.add(type);
                } else {
                    classes.put(type.getName(), type);
                }
            }
        }
        if (!application.isEmpty()) {
            applications.add(load(application, loader));
        }
        for (Class<?> type : new ArrayList<>(applications).stream().distinct().toList()) {
            if (!MessagingApplication.class.isAssignableFrom(type)) {
                throw new IllegalArgumentException(type.getName() + " is not a " + MessagingApplication.class.getName());
            }
            MessagingApplication app = (MessagingApplication) constructed(type, messaging);
            for (Class<?> listed : app.getClasses()) {
                classes.put(listed.getName(), listed);
            }
        }
        List<String> explicitHandlers = new ArrayList<>();
        for (String name : handlerNames) {
            Class<?> type = load(name, loader);
            classes.put(type.getName(), type);
            explicitHandlers.add(type.getName());
        }
        ApplicationParts parts = new ApplicationParts();
        Map<Class<?>, Object> byType = new LinkedHashMap<>();
        for (Class<?> type : classes.values()) {
            if (!concrete(type)) {
                throw new IllegalArgumentException(type.getName() + " cannot be created: it is abstract or an interface");
            }
            Object instance = byType.computeIfAbsent(type, t -> parts.instance(t, messaging));
            boolean used = false;
            if (type.isAnnotationPresent(MessageController.class) || explicitHandlers.contains(type.getName())
                    || hasMappings(type)) {
                parts.handlers.add(instance);
                used = true;
            }
            if (instance instanceof InboundInterceptor i) {
                parts.inboundInterceptors.add(i);
                used = true;
            }
            if (instance instanceof HandshakeInterceptor h) {
                parts.handshakeInterceptors.add(h);
                used = true;
            }
            if (instance instanceof SessionListener l) {
                parts.listeners.add(l);
                used = true;
            }
            if (!used) {
                throw new IllegalArgumentException(type.getName() + " is listed as part of the application but is no"
                        + " @MessageController, interceptor or listener");
            }
        }
        return parts;
    }

    private static boolean concrete(Class<?> type) {
        return !type.isInterface() && !type.isAnnotation() && !Modifier.isAbstract(type.getModifiers())
                && Modifier.isPublic(type.getModifiers());
    }

    private static boolean hasMappings(Class<?> type) {
        for (Method m : type.getMethods()) {
            for (Annotation a : m.getAnnotations()) {
                if (a.annotationType().getPackageName().equals(MessageController.class.getPackageName())) {
                    return true;
                }
            }
        }
        return false;
    }

    private static Class<?> load(String name, ClassLoader loader) {
        try {
            return Class.forName(name, true, loader);
        } catch (ClassNotFoundException | LinkageError e) {
            throw new IllegalArgumentException("cannot load application class " + name + ": " + e, e);
        }
    }

    /** From CDI when it manages the class, else through a public constructor. */
    private Object instance(Class<?> type, Messaging messaging) {
        Object fromCdi = Cdi.instance(type);
        if (fromCdi != null) {
            LOG.fine(() -> type.getName() + " from CDI");
            return fromCdi;
        }
        Object instance = constructed(type, messaging);
        made.add(instance);
        return instance;
    }

    private static Object constructed(Class<?> type, Messaging messaging) {
        try {
            try {
                return type.getConstructor(Messaging.class).newInstance(messaging);
            } catch (NoSuchMethodException e) {
                return type.getConstructor().newInstance();
            }
        } catch (NoSuchMethodException e) {
            throw new IllegalArgumentException("cannot create " + type.getName() + ": it needs a public constructor"
                    + " taking nothing or a " + Messaging.class.getName() + " (or CDI to create it)", e);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            Throwable cause = e instanceof java.lang.reflect.InvocationTargetException ite ? ite.getCause() : e;
            throw new IllegalArgumentException("cannot create " + type.getName() + ": " + cause, cause);
        }
    }

    /** The application stops: what Switchboard made and can be closed is closed (a handler's own timer, say). */
    void close() {
        for (Object o : made) {
            if (o instanceof AutoCloseable closeable) {
                try {
                    closeable.close();
                } catch (Exception e) {
                    LOG.log(java.util.logging.Level.WARNING, "closing " + o.getClass().getName() + " failed", e);
                }
            }
        }
        made.clear();
    }

    /** Orders by class name (what the TreeMap above gave), for the log. */
    List<String> describe() {
        List<String> out = new ArrayList<>();
        handlers.stream().map(o -> o.getClass().getName()).sorted(Comparator.naturalOrder()).forEach(out::add);
        inboundInterceptors.forEach(i -> out.add("inbound " + i.getClass().getName()));
        handshakeInterceptors.forEach(i -> out.add("handshake " + i.getClass().getName()));
        listeners.forEach(l -> out.add("listener " + l.getClass().getName()));
        return out;
    }
}
