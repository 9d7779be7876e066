package dev.switchboard.stomp.app;

import dev.switchboard.api.MessageExceptionHandler;
import dev.switchboard.api.MessageMapping;
import dev.switchboard.api.Messaging;
import dev.switchboard.api.MessagingException;
import dev.switchboard.api.MessagingSession;
import dev.switchboard.api.SubscribeMapping;
import dev.switchboard.broker.Broker;
import dev.switchboard.broker.BrokerException;
import dev.switchboard.broker.Message;
import jakarta.json.bind.Jsonb;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Routes SENDs and SUBSCRIBEs to {@code /app/...} to the application's handler methods
 * ({@link MessageMapping}, {@link SubscribeMapping}), converts payloads for them, sends what they
 * return, and answers what goes wrong ({@link MessageExceptionHandler}, else the sending session's
 * error destination) without closing the connection.
 *
 * <p>A handler runs on the thread handling the sender's frames, so one session's messages are
 * handled in order; a handler returning a {@link CompletionStage} is answered when it completes,
 * on the thread that completes it.
 */
public final class ApplicationRouter implements Messaging {

    private static final Logger LOG = Logger.getLogger(ApplicationRouter.class.getName());

    public static final String PREFIX = "/app";

    /** One SEND or SUBSCRIBE to an application destination. */
    public record Request(String destination, Map<String, String> headers, byte[] body, MessagingSession session) {
    }

    /** What the router counts for {@code /stats}. */
    public static final class Counters {
        /** SENDs and SUBSCRIBEs routed to handlers. */
        public final LongAdder requests = new LongAdder();
        /** Handlers that threw something other than {@link MessagingException}. */
        public final LongAdder handlerFailures = new LongAdder();
        /** Requests answered on the error destination: no handler, a bad payload, a refusal, a failure. */
        public final LongAdder errorsSent = new LongAdder();
        /** Requests refused because the handler's {@code @RolesAllowed} names none of the user's roles. */
        public final LongAdder forbidden = new LongAdder();
        /** Failures that a {@link MessageExceptionHandler} answered. */
        public final LongAdder exceptionsHandled = new LongAdder();
    }

    private enum Kind { SEND, SUBSCRIBE }

    private record Mapping(Kind kind, HandlerMethod method) {
    }

    private final Broker broker;
    private final Payloads payloads;
    private final PayloadValidation validation = new PayloadValidation();
    private final Supplier<String> messageIds;
    private final String errorDestination;
    private final Counters counters = new Counters();
    private volatile List<Mapping> mappings = List.of();
    private final ExceptionHandlers exceptionHandlers = new ExceptionHandlers();
    private final Set<String> failuresLogged = ConcurrentHashMap.newKeySet();

    /**
     * @param errorDestination the user destination refusals and failures go to, such as
     *                         {@code /queue/errors} (clients subscribe to {@code /user/queue/errors})
     */
    public ApplicationRouter(Broker broker, Jsonb jsonb, Supplier<String> messageIds, String errorDestination) {
        this.broker = broker;
        this.payloads = new Payloads(jsonb);
        this.messageIds = messageIds;
        this.errorDestination = errorDestination;
    }

    public Counters counters() {
        return counters;
    }

    /** Registers the mapped and exception-handling methods of a handler object. */
    public synchronized void register(Object handler) {
        Class<?> type = declared(handler.getClass());
        MessageMapping classMapping = type.getAnnotation(MessageMapping.class);
        String[] prefixes = classMapping == null || classMapping.value().length == 0 ? new String[] {""}
                : classMapping.value();
        List<Mapping> found = new ArrayList<>();
        List<ExceptionHandlers.Handler> handlers = new ArrayList<>();
        for (Method method : type.getMethods()) {
            if (Modifier.isStatic(method.getModifiers())) {
                continue;
            }
            MessageMapping send = method.getAnnotation(MessageMapping.class);
            SubscribeMapping subscribe = method.getAnnotation(SubscribeMapping.class);
            MessageExceptionHandler onException = method.getAnnotation(MessageExceptionHandler.class);
            if (send != null && subscribe != null) {
                throw new IllegalArgumentException(type.getName() + "." + method.getName()
                        + " has both @MessageMapping and @SubscribeMapping");
            }
            if (send != null || subscribe != null) {
                String[] paths = send != null ? send.value() : subscribe.value();
                if (paths.length == 0) {
                    throw new IllegalArgumentException(type.getName() + "." + method.getName()
                            + ": a method's @MessageMapping names its destination");
                }
                for (String prefix : prefixes) {
                    for (String path : paths) {
                        found.add(new Mapping(send != null ? Kind.SEND : Kind.SUBSCRIBE, new HandlerMethod(handler,
                                method, DestinationTemplate.of(DestinationTemplate.join(prefix, path)), payloads, this, validation)));
                    }
                }
            }
            if (onException != null) {
                for (Class<? extends Throwable> t : ExceptionHandlers.handledTypes(method, onException)) {
                    handlers.add(new ExceptionHandlers.Handler(t, new HandlerMethod(handler, method,
                            DestinationTemplate.of("/"), payloads, this, validation)));
                }
            }
        }
        if (found.isEmpty() && handlers.isEmpty()) {
            throw new IllegalArgumentException(type.getName() + " has no public @MessageMapping, @SubscribeMapping"
                    + " or @MessageExceptionHandler method");
        }
        List<Mapping> all = new ArrayList<>(mappings);
        for (Mapping m : found) {
            for (Mapping other : all) {
                if (other.kind() == m.kind() && other.method().template().toString().equals(m.method().template().toString())) {
                    throw new IllegalArgumentException("two handlers for " + PREFIX + m.method().template() + ": "
                            + other.method() + " and " + m.method());
                }
            }
            all.add(m);
            LOG.fine(() -> "mapped " + m.kind() + " " + PREFIX + m.method().template() + " to " + m.method());
        }
        all.sort(Comparator.comparingInt((Mapping m) -> -m.method().template().specificity()));
        mappings = List.copyOf(all);
        exceptionHandlers.add(handler.getClass(), handlers, found.isEmpty());
    }

    /**
     * The application's own class behind a CDI client proxy (Weld's {@code X$Proxy$_$$_WeldClientProxy},
     * OpenWebBeans' {@code X$$OwbNormalScopeProxy0}): the proxy does not carry the class's annotations.
     */
    private static Class<?> declared(Class<?> type) {
        Class<?> t = type;
        while (t.getName().contains("$$") && t.getSuperclass() != null && t.getSuperclass() != Object.class) {
            t = t.getSuperclass();
        }
        return t;
    }

    /** The mapped destinations, for the log. */
    public List<String> mappings() {
        return mappings.stream().map(m -> (m.kind() == Kind.SUBSCRIBE ? "SUBSCRIBE " : "") + PREFIX
                + m.method().template()).toList();
    }

    /** Whether a SEND or SUBSCRIBE to this destination goes to the application's handlers. */
    public static boolean isApplicationDestination(String destination) {
        return destination.startsWith(PREFIX) && (destination.length() == PREFIX.length()
                || destination.charAt(PREFIX.length()) == '/');
    }

    /** Runs the SEND's handler and sends its result; whatever goes wrong is answered to the sender. */
    public void dispatch(Request request) {
        route(Kind.SEND, request, null);
    }

    /**
     * Answers a SUBSCRIBE to an application destination through {@code reply} (a MESSAGE for that
     * subscription only); whatever goes wrong is answered on the error destination.
     */
    public void subscribe(Request request, Consumer<Message> reply) {
        route(Kind.SUBSCRIBE, request, reply);
    }

    private void route(Kind kind, Request request, Consumer<Message> reply) {
        counters.requests.increment();
        String path = request.destination().substring(PREFIX.length());
        for (Mapping m : mappings) {
            if (m.kind() != kind) {
                continue;
            }
            Map<String, String> variables = m.method().template().match(path);
            if (variables != null) {
                String forbidden = m.method().forbidden(request.session().principal());
                if (forbidden != null) {
                    counters.forbidden.increment();
                    refuse(request, forbidden);
                    return;
                }
                HandlerMethod.Call call = new HandlerMethod.Call(request, variables, null);
                Object result;
                try {
                    result = m.method().invoke(call);
                } catch (Payloads.BadRequest e) {
                    LOG.fine(() -> "request to " + request.destination() + " refused: " + e.getMessage()
                            + (e.getCause() == null ? "" : " (" + rootMessage(e.getCause()) + ")"));
                    refuse(request, e.getMessage());
                    return;
                } catch (InvocationTargetException e) {
                    failed(m.method(), call, e.getCause());
                    return;
                }
                respond(m.method(), call, result, kind == Kind.SUBSCRIBE ? reply : null);
                return;
            }
        }
        refuse(request, "no application handler for " + (kind == Kind.SUBSCRIBE ? "SUBSCRIBE to " : "")
                + request.destination());
    }

    /** Sends a result where the method says; a stage's result when it completes. */
    private void respond(HandlerMethod hm, HandlerMethod.Call call, Object result, Consumer<Message> reply) {
        if (result instanceof CompletionStage<?> stage) {
            stage.whenComplete((value, failure) -> {
                if (failure != null) {
                    failed(hm, call, failure instanceof CompletionException && failure.getCause() != null
                            ? failure.getCause() : failure);
                } else {
                    respond(hm, call, value, reply);
                }
            });
            return;
        }
        if (result == null || hm.returnsNothing()) {
            return;
        }
        try {
            send(hm, call, result, reply);
        } catch (MessagingException e) {
            refuse(call.request(), e.getMessage());
        }
    }

    private void send(HandlerMethod hm, HandlerMethod.Call call, Object result, Consumer<Message> reply) {
        Payloads.Body body = payloads.write(result);
        for (String destination : hm.sendToUser()) {
            String filled = hm.template().fill(destination, call.variables());
            MessagingSession session = call.request().session();
            Message message = message(filled, body, List.of());
            if (hm.broadcast()) {
                broker.sendToUser(session.userName(), message, filled);
            } else {
                broker.sendToSession(session.userName(), session.id(), message, filled);
            }
        }
        for (String destination : hm.sendTo()) {
            publish(message(hm.template().fill(destination, call.variables()), body, List.of()));
        }
        if (hm.sendTo().isEmpty() && hm.sendToUser().isEmpty()) {
            if (call.failure() != null) {
                toErrors(call.request().session(), message(errorDestination, body, List.of()));
            } else if (reply != null) {
                reply.accept(message(call.request().destination(), body, List.of()));
            } else {
                publish(message("/topic" + call.request().destination().substring(PREFIX.length()), body, List.of()));
            }
        }
    }

    /** A handler threw: its class's exception handler answers, else a global one, else the error destination. */
    private void failed(HandlerMethod hm, HandlerMethod.Call call, Throwable failure) {
        ExceptionHandlers.Handler handler = exceptionHandlers.find(hm.target().getClass(), failure);
        if (handler != null) {
            counters.exceptionsHandled.increment();
            logFailure(hm, failure, Level.FINE);
            HandlerMethod.Call handled = new HandlerMethod.Call(call.request(), call.variables(), failure);
            Object result;
            try {
                result = handler.method().invoke(handled);
            } catch (Payloads.BadRequest e) {
                refuse(call.request(), e.getMessage());
                return;
            } catch (InvocationTargetException e) {
                logFailure(handler.method(), e.getCause(), Level.WARNING);
                refuse(call.request(), "the handler for " + call.request().destination() + " failed");
                return;
            }
            respond(handler.method(), handled, result, null);
            return;
        }
        if (failure instanceof MessagingException refusal) {
            refuse(call.request(), refusal.getMessage());
            return;
        }
        logFailure(hm, failure, Level.WARNING);
        refuse(call.request(), "the handler for " + call.request().destination() + " failed");
    }

    /**
     * A handler's failure is the application's bug: the first of each kind per method is a WARNING
     * with its stack trace, the rest FINE (a client must not be able to fill the log).
     */
    private void logFailure(HandlerMethod hm, Throwable failure, Level level) {
        if (level == Level.WARNING) {
            counters.handlerFailures.increment();
        }
        boolean first = failuresLogged.size() < 1000 && failuresLogged.add(hm + " " + failure.getClass().getName());
        LOG.log(first ? level : Level.FINE, "handler " + hm + " threw", failure);
    }

    /** Tells the sending session what went wrong, on its error destination; it stays connected. */
    private void refuse(Request request, String text) {
        counters.errorsSent.increment();
        Map<String, String> error = new LinkedHashMap<>();
        error.put("destination", request.destination());
        error.put("message", text);
        toErrors(request.session(), message(errorDestination, payloads.write(error), List.of("message", text)));
    }

    private void toErrors(MessagingSession session, Message message) {
        broker.sendToSession(session.userName(), session.id(), message, errorDestination);
    }

    private void publish(Message message) {
        try {
            broker.publish(message);
        } catch (BrokerException e) {
            throw new MessagingException(e.getMessage(), e);
        }
    }

    @Override
    public void publish(String destination, Object payload) {
        publish(message(destination, payloads.write(payload), List.of()));
    }

    @Override
    public void sendToUser(String user, String destination, Object payload) {
        broker.sendToUser(user, message(destination, payloads.write(payload), List.of()), destination);
    }

    private Message message(String destination, Payloads.Body body, List<String> headers) {
        return new Message(messageIds.get(), destination, body.contentType(), headers, body.bytes());
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String m = t.getMessage();
        return m == null ? t.getClass().getSimpleName() : m.length() > 200 ? m.substring(0, 200) + "..." : m;
    }
}
