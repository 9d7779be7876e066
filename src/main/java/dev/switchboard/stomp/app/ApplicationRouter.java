package dev.switchboard.stomp.app;

import dev.switchboard.broker.Broker;
import dev.switchboard.broker.BrokerException;
import dev.switchboard.broker.Message;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbException;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Routes SENDs to {@code /app/...} to handler methods annotated {@link MessageMapping}, converts
 * the payload for them, and publishes what they return ({@link SendTo}, {@link SendToUser}).
 * Handlers are registered explicitly, by class name from a setting or as objects; nothing is
 * scanned. A handler runs on the sender's thread, so one sender's messages are handled in order.
 */
public final class ApplicationRouter implements Messaging {

    private static final Logger LOG = Logger.getLogger(ApplicationRouter.class.getName());

    public static final String PREFIX = "/app";

    /** One SEND to an application destination. */
    public record Request(String destination, Map<String, String> headers, byte[] body, Principal principal,
                          String userName) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /** The client's request cannot be served: unknown destination, or a payload that does not convert. */
    public static final class RequestException extends Exception {
        public RequestException(String message) {
            super(message);
        }
    }

    private final Broker broker;
    private final Jsonb jsonb;
    private final Supplier<String> messageIds;
    private final List<HandlerMethod> methods = new CopyOnWriteArrayList<>();

    public ApplicationRouter(Broker broker, Jsonb jsonb, Supplier<String> messageIds) {
        this.broker = broker;
        this.jsonb = jsonb;
        this.messageIds = messageIds;
    }

    /** Creates and registers handlers by class name (public no-arg constructor, or one taking {@link Messaging}). */
    public void registerClasses(List<String> classNames, ClassLoader loader) {
        for (String name : classNames) {
            try {
                Class<?> type = Class.forName(name, true, loader);
                Object handler;
                try {
                    Constructor<?> withMessaging = type.getConstructor(Messaging.class);
                    handler = withMessaging.newInstance(this);
                } catch (NoSuchMethodException e) {
                    handler = type.getConstructor().newInstance();
                }
                register(handler);
            } catch (ReflectiveOperationException | LinkageError e) {
                throw new IllegalArgumentException("cannot create STOMP handler " + name + ": " + e, e);
            }
        }
    }

    /** Registers every {@link MessageMapping} method of the object. */
    public void register(Object handler) {
        int found = 0;
        for (Method method : handler.getClass().getMethods()) {
            MessageMapping mapping = method.getAnnotation(MessageMapping.class);
            if (mapping == null || Modifier.isStatic(method.getModifiers())) {
                continue;
            }
            for (String path : mapping.value()) {
                HandlerMethod hm = new HandlerMethod(handler, method, DestinationTemplate.of(path));
                for (HandlerMethod other : methods) {
                    if (other.template().toString().equals(hm.template().toString())) {
                        throw new IllegalArgumentException("two handlers for " + PREFIX + path + ": "
                                + other + " and " + hm);
                    }
                }
                methods.add(hm);
                found++;
                LOG.fine(() -> "mapped " + PREFIX + path + " to " + hm);
            }
        }
        if (found == 0) {
            throw new IllegalArgumentException(handler.getClass().getName() + " has no public @MessageMapping method");
        }
    }

    /** The mapped destinations, for the log. */
    public List<String> mappings() {
        return methods.stream().map(m -> PREFIX + m.template()).toList();
    }

    /**
     * Runs the handler for the request and publishes its result.
     *
     * @throws RequestException for the client's mistakes (no such destination, a payload that
     *                          does not convert); a handler that throws is logged and reported the same way
     */
    public void dispatch(Request request) throws RequestException {
        String path = request.destination().substring(PREFIX.length());
        for (HandlerMethod method : methods) {
            Map<String, String> variables = method.template().match(path);
            if (variables != null) {
                invoke(method, request, variables);
                return;
            }
        }
        throw new RequestException("no application handler for " + request.destination());
    }

    private void invoke(HandlerMethod hm, Request request, Map<String, String> variables) throws RequestException {
        Parameter[] params = hm.method().getParameters();
        Object[] args = new Object[params.length];
        for (int i = 0; i < params.length; i++) {
            args[i] = argument(params[i], request, variables);
        }
        Object result;
        try {
            result = hm.method().invoke(hm.target(), args);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof MessagingException refused) {
                throw new RequestException(refused.getMessage());
            }
            LOG.log(Level.WARNING, "handler " + hm + " failed on " + request.destination(), cause);
            throw new RequestException("the handler for " + request.destination() + " failed");
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
        if (result == null || hm.method().getReturnType() == void.class) {
            return;
        }
        SendToUser toUser = hm.method().getAnnotation(SendToUser.class);
        if (toUser != null) {
            sendToUser(request.userName(), hm.template().fill(toUser.value(), variables), result);
        }
        SendTo sendTo = hm.method().getAnnotation(SendTo.class);
        if (sendTo != null) {
            for (String destination : sendTo.value()) {
                publishOrRefuse(hm.template().fill(destination, variables), result);
            }
        } else if (toUser == null) {
            publishOrRefuse("/topic" + request.destination().substring(PREFIX.length()), result);
        }
    }

    private void publishOrRefuse(String destination, Object payload) throws RequestException {
        try {
            broker.publish(message(destination, payload));
        } catch (BrokerException e) {
            throw new RequestException(e.getMessage());
        }
    }

    private Object argument(Parameter p, Request request, Map<String, String> variables) throws RequestException {
        Class<?> type = p.getType();
        if (p.isAnnotationPresent(Header.class)) {
            return request.headers().get(p.getAnnotation(Header.class).value());
        }
        if (p.isAnnotationPresent(Headers.class)) {
            return request.headers();
        }
        if (p.isAnnotationPresent(DestinationVariable.class)) {
            return variables.get(p.getAnnotation(DestinationVariable.class).value());
        }
        if (type == Principal.class) {
            return request.principal();
        }
        if (type == Messaging.class) {
            return this;
        }
        if (type == byte[].class) {
            return request.body();
        }
        if (type == String.class) {
            return request.text();
        }
        try {
            return jsonb.fromJson(request.text(), p.getParameterizedType());
        } catch (JsonbException e) {
            // the JSON library's own words name Java types: logged for the developer, not told to the client
            LOG.fine(() -> "payload for " + request.destination() + " not converted to " + type.getName() + ": "
                    + rootMessage(e));
            throw new RequestException("the payload for " + request.destination()
                    + " is not the JSON this destination takes");
        }
    }

    @Override
    public void publish(String destination, Object payload) {
        try {
            broker.publish(message(destination, payload));
        } catch (BrokerException e) {
            throw new MessagingException(e.getMessage());
        }
    }

    @Override
    public void sendToUser(String user, String destination, Object payload) {
        broker.sendToUser(user, message(destination, payload), destination);
    }

    private Message message(String destination, Object payload) {
        byte[] body;
        String contentType;
        if (payload instanceof String text) {
            body = text.getBytes(StandardCharsets.UTF_8);
            contentType = "text/plain;charset=UTF-8";
        } else if (payload instanceof byte[] bytes) {
            body = bytes;
            contentType = "application/octet-stream";
        } else {
            body = jsonb.toJson(payload).getBytes(StandardCharsets.UTF_8);
            contentType = "application/json";
        }
        return new Message(messageIds.get(), destination, contentType, List.of(), body);
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String m = t.getMessage();
        return m == null ? t.getClass().getSimpleName() : m.length() > 200 ? m.substring(0, 200) + "..." : m;
    }

    private record HandlerMethod(Object target, Method method, DestinationTemplate template) {
        @Override
        public String toString() {
            return target.getClass().getName() + "." + method.getName();
        }
    }
}
