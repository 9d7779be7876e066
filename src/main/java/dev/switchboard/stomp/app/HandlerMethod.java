package dev.switchboard.stomp.app;

import dev.switchboard.api.DestinationVariable;
import dev.switchboard.api.Header;
import dev.switchboard.api.Headers;
import dev.switchboard.api.Messaging;
import dev.switchboard.api.MessagingSession;
import dev.switchboard.api.Payload;
import dev.switchboard.api.SendTo;
import dev.switchboard.api.SendToUser;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.security.Principal;
import java.util.List;
import java.util.Map;

/**
 * One handler method, resolved once at registration: how each parameter is bound (so a request
 * costs no annotation lookups) and where its result goes.
 */
final class HandlerMethod {

    /** What a method call is made of: the request, the mapped destination's variables, the failure handled. */
    record Call(ApplicationRouter.Request request, Map<String, String> variables, Throwable failure) {
    }

    @FunctionalInterface
    interface Binder {
        Object bind(Call call) throws Payloads.BadRequest;
    }

    private final Object target;
    private final Method method;
    private final DestinationTemplate template;
    private final Binder[] binders;
    private final List<String> sendTo;
    private final List<String> sendToUser;
    private final boolean broadcast;
    /** From {@code @RolesAllowed} on the method or its class; null: anyone. */
    private final java.util.Set<String> rolesAllowed;

    HandlerMethod(Object target, Method method, DestinationTemplate template, Payloads payloads, Messaging messaging,
                  PayloadValidation validation) {
        this.target = target;
        this.method = method;
        this.template = template;
        Parameter[] params = method.getParameters();
        this.binders = new Binder[params.length];
        for (int i = 0; i < params.length; i++) {
            binders[i] = binder(params[i], payloads, messaging, validation);
        }
        SendTo to = method.getAnnotation(SendTo.class);
        this.sendTo = to == null ? List.of() : List.of(to.value());
        SendToUser toUser = method.getAnnotation(SendToUser.class);
        this.sendToUser = toUser == null ? List.of() : List.of(toUser.value());
        this.broadcast = toUser == null || toUser.broadcast();
        java.util.Set<String> roles = rolesAllowed(method.getAnnotations());
        this.rolesAllowed = roles != null ? roles : rolesAllowed(method.getDeclaringClass().getAnnotations());
    }

    /** {@code jakarta.annotation.security.RolesAllowed}'s roles, read by name: the annotation API is optional. */
    private static java.util.Set<String> rolesAllowed(java.lang.annotation.Annotation[] annotations) {
        for (java.lang.annotation.Annotation a : annotations) {
            if (a.annotationType().getName().equals("jakarta.annotation.security.RolesAllowed")) {
                try {
                    return java.util.Set.of((String[]) a.annotationType().getMethod("value").invoke(a));
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException("cannot read " + a, e);
                }
            }
        }
        return null;
    }

    /** Null when the session's user may call this method; else why not. */
    String forbidden(Principal principal) {
        if (rolesAllowed == null || dev.switchboard.security.DestinationRules.hasRole(principal, rolesAllowed)) {
            return null;
        }
        return "not allowed: this needs one of the roles " + new java.util.TreeSet<>(rolesAllowed);
    }

    private Binder binder(Parameter p, Payloads payloads, Messaging messaging, PayloadValidation validation) {
        Class<?> type = p.getType();
        DestinationVariable variable = p.getAnnotation(DestinationVariable.class);
        if (variable != null) {
            String name = variable.value();
            if (!template.toString().contains("{" + name + "}")) {
                throw new IllegalArgumentException(this + ": no {" + name + "} in " + template);
            }
            Conversions.check(type, this + " @DestinationVariable " + name);
            return call -> Conversions.of(call.variables().get(name), type, "destination variable " + name);
        }
        Header header = p.getAnnotation(Header.class);
        if (header != null) {
            String name = header.value();
            boolean required = header.required();
            Conversions.check(type, this + " @Header " + name);
            return call -> {
                String value = call.request().headers().get(name);
                if (value == null && required) {
                    throw new Payloads.BadRequest(call.request().destination() + " needs the header " + name);
                }
                return Conversions.of(value, type, "header " + name);
            };
        }
        if (p.isAnnotationPresent(Headers.class)) {
            if (!Map.class.isAssignableFrom(type)) {
                throw new IllegalArgumentException(this + ": @Headers goes on a Map<String, String> parameter");
            }
            return call -> call.request().headers();
        }
        if (!p.isAnnotationPresent(Payload.class)) {
            if (type == Principal.class) {
                return call -> call.request().session().principal();
            }
            if (type == MessagingSession.class) {
                return call -> call.request().session();
            }
            if (type == Messaging.class) {
                return call -> messaging;
            }
            if (Throwable.class.isAssignableFrom(type)) {
                return call -> type.isInstance(call.failure()) ? call.failure() : null;
            }
        }
        java.lang.reflect.Type generic = p.getParameterizedType();
        Binder payload = call -> payloads.read(call.request().body(), call.request().headers().get("content-type"), type,
                generic, call.request().destination());
        if (!PayloadValidation.requested(p) || !validation.available(toString())) {
            return payload;
        }
        return call -> {
            Object value = payload.bind(call);
            String problems = validation.problems(value);
            if (problems != null) {
                throw new Payloads.BadRequest("the payload for " + call.request().destination() + " is not valid: "
                        + problems);
            }
            return value;
        };
    }

    /**
     * Calls the method.
     *
     * @throws Payloads.BadRequest       when an argument cannot be made from the request
     * @throws InvocationTargetException what the method threw
     */
    Object invoke(Call call) throws Payloads.BadRequest, InvocationTargetException {
        Object[] args = new Object[binders.length];
        for (int i = 0; i < binders.length; i++) {
            args[i] = binders[i].bind(call);
        }
        try {
            return method.invoke(target, args);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(this + " is not accessible", e);
        }
    }

    DestinationTemplate template() {
        return template;
    }

    Method method() {
        return method;
    }

    Object target() {
        return target;
    }

    List<String> sendTo() {
        return sendTo;
    }

    List<String> sendToUser() {
        return sendToUser;
    }

    boolean broadcast() {
        return broadcast;
    }

    boolean returnsNothing() {
        return method.getReturnType() == void.class;
    }

    @Override
    public String toString() {
        return method.getDeclaringClass().getName() + "." + method.getName();
    }
}
