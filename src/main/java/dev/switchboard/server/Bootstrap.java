package dev.switchboard.server;

import dev.switchboard.handshake.Admission;
import dev.switchboard.handshake.HandshakeIdentity;
import dev.switchboard.handshake.HandshakeInterceptors;
import dev.switchboard.security.DestinationRules;
import dev.switchboard.security.TokenVerifier;
import dev.switchboard.stomp.app.EchoHandler;
import dev.switchboard.security.AddressRates;
import dev.switchboard.security.InboundRate;
import dev.switchboard.handshake.HandshakePolicy;
import dev.switchboard.session.MemoryBudget;
import dev.switchboard.session.SessionEnvironment;
import dev.switchboard.session.SessionLimits;
import dev.switchboard.session.SessionRegistry;
import dev.switchboard.session.WriterPool;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.websocket.server.ServerContainer;
import dev.switchboard.broker.Broker;
import dev.switchboard.security.PasswordAuthenticator;
import dev.switchboard.stomp.StompDecoder;
import dev.switchboard.stomp.StompServer;
import dev.switchboard.chat.ChatHandler;
import dev.switchboard.chat.ChatService;
import dev.switchboard.sockjs.SockJsApplications;
import dev.switchboard.sockjs.SockJsHandler;
import dev.switchboard.sockjs.SockJsServer;
import dev.switchboard.sockjs.SockJsService;
import java.util.ArrayList;
import java.util.Set;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;

/**
 * Starts and stops one Switchboard deployment: reads the settings (a bad one stops deployment),
 * sizes the container's WebSocket buffers, and publishes the handshake policy; on undeploy
 * closes every connection with 1001 (going away).
 */
public final class Bootstrap implements ServletContextListener {

    private static final Logger LOG = Logger.getLogger(Bootstrap.class.getName());

    /** Servlet context attribute holding the deployment's {@link SessionRegistry}. */
    public static final String REGISTRY = SessionRegistry.class.getName();

    /** Servlet context attribute holding the deployment's {@link StompServer} (its router takes handlers). */
    public static final String STOMP = StompServer.class.getName();

    static final String BACKGROUND = Bootstrap.class.getName() + ".background";
    private static final String WRITERS = Bootstrap.class.getName() + ".writers";
    private static final String JSONB = Bootstrap.class.getName() + ".jsonb";
    private static final String PARTS = Bootstrap.class.getName() + ".parts";

    /**
     * Servlet context attribute holding the deployment's {@link dev.switchboard.api.Messaging}, for
     * application code outside handlers (a servlet, a REST resource, a CDI producer).
     */
    public static final String MESSAGING = dev.switchboard.api.Messaging.class.getName();

    private static final String JMX = DeploymentMBean.class.getName();
    static final String DRAIN_TIMEOUT = Drain.class.getName() + ".timeout";

    /** Servlet context attribute: who may read {@code /stats}. */
    static final String STATS_ACCESS = StatsAccess.class.getName();

    @Override
    public void contextInitialized(ServletContextEvent event) {
        ServletContext context = event.getServletContext();
        for (String name : Collections.list(context.getInitParameterNames())) {
            Settings.warnIfUnknown(name, "context-param");
        }
        Settings settings = Settings.load(context::getInitParameter, System.getenv(), System.getProperties());

        ServerContainer container = (ServerContainer) context.getAttribute(ServerContainer.class.getName());
        if (container == null) {
            throw new IllegalStateException("this container offers no Jakarta WebSocket ServerContainer");
        }
        int buffer = settings.get(Settings.WEBSOCKET_BUFFER_SIZE);
        container.setDefaultMaxTextMessageBufferSize(buffer);
        // Undertow (WildFly) closes with 1009 a binary message longer than this buffer even when the
        // endpoint takes it in parts (text it does deliver in parts), and allocates no buffer per
        // connection up front: there the binary buffer is the binary message limit
        boolean undertow = container.getClass().getName().startsWith("io.undertow.");
        container.setDefaultMaxBinaryMessageBufferSize(undertow
                ? Math.max(buffer, settings.get(Settings.BINARY_MESSAGE_MAX)) : buffer);

        SessionLimits limits = new SessionLimits(settings.get(Settings.TEXT_MESSAGE_MAX),
                settings.get(Settings.BINARY_MESSAGE_MAX), settings.get(Settings.IDLE_TIMEOUT),
                settings.get(Settings.SEND_TIMEOUT), settings.get(Settings.OUTBOUND_QUEUE_MAX),
                settings.get(Settings.OUTBOUND_COALESCE_MAX));
        SessionRegistry registry = new SessionRegistry();
        MemoryBudget budget = new MemoryBudget(new MemoryBudget.Limits(settings.get(LimitSettings.MEMORY_BUDGET),
                settings.get(LimitSettings.MEMORY_BUDGET_ADDRESS), settings.get(LimitSettings.MEMORY_BUDGET_SESSION),
                settings.get(LimitSettings.DESTINATIONS_PER_ADDRESS_MAX)));
        ScheduledThreadPoolExecutor background = background(contextName(context));
        WriterPool writers = new WriterPool("switchboard" + (contextName(context).equals("/") ? ""
                : contextName(context).replace('/', '-')) + "-writer", settings.get(Settings.WRITER_THREADS));
        HandshakePolicy handshake = new HandshakePolicy(settings.get(Settings.ALLOWED_ORIGINS),
                settings.get(Settings.HANDSHAKE_HEADERS), new SessionEnvironment(limits, registry, background, writers, budget),
                new Admission.Limits(settings.get(LimitSettings.CONNECTIONS_MAX),
                        settings.get(LimitSettings.CONNECTIONS_PER_ADDRESS_MAX), settings.get(LimitSettings.HANDSHAKE_RATE)));
        handshake.publicHosts(settings.get(Settings.PUBLIC_HOSTS));
        background.scheduleWithFixedDelay(handshake.admission()::forgetIdle, 10, 10, TimeUnit.SECONDS);
        InboundRate.Limits inbound = new InboundRate.Limits(settings.get(LimitSettings.INBOUND_MESSAGES_RATE),
                settings.get(LimitSettings.INBOUND_BYTES_RATE),
                new AddressRates(settings.get(LimitSettings.INBOUND_BYTES_RATE_ADDRESS)));
        background.scheduleWithFixedDelay(inbound.addressBytes()::forgetIdle, 10, 10, TimeUnit.SECONDS);
        handshake.provide(InboundRate.Limits.KEY, inbound);
        TokenVerifier tokens;
        StatsAccess statsAccess;
        try {
            tokens = Security.tokenVerifier(settings);
            statsAccess = new StatsAccess(settings.get(SecuritySettings.STATS_ACCESS), tokens);
        } catch (RuntimeException e) {
            background.shutdownNow();
            writers.close();
            throw e;
        }
        handshake.identity(new HandshakeIdentity(tokens, settings.get(SecuritySettings.JWT_COOKIE)));
        context.setAttribute(STATS_ACCESS, statsAccess);
        Jsonb jsonb = JsonbBuilder.create();
        Set<String> endpoints = Set.copyOf(settings.get(ApplicationSettings.ENDPOINTS));
        StompServer stomp;
        ApplicationParts parts = null;
        dev.switchboard.broker.Relay relay = null;
        try {
            stomp = stompServer(settings, budget, inbound, background, jsonb, tokens);
            relay = Relays.open(settings, background, context.getClassLoader());
            stomp.broker().relay(relay);
            DeploymentMetrics metrics = DeploymentMetrics.create(settings, context, context.getClassLoader());
            if (metrics != null) {
                handshake.timeHandshakes(metrics::handshake);
                stomp.broker().timeFanOuts(metrics::fanOut);
                context.setAttribute(DeploymentMetrics.ATTRIBUTE, metrics);
            }
            parts = ApplicationParts.create(scanned(context), settings.get(ApplicationSettings.APPLICATION),
                    settings.get(Settings.STOMP_HANDLERS), context.getClassLoader(), stomp.router());
            for (Object handler : parts.handlers) {
                stomp.router().register(handler);
            }
            if (endpoints.contains("echo")) {
                stomp.router().register(new EchoHandler());
            }
            stomp.application(parts.inboundInterceptors, parts.listeners);
            String rulesFile = settings.get(SecuritySettings.SECURITY_RULES);
            stomp.access(rulesFile.isEmpty() ? null : DestinationRules.load(java.nio.file.Path.of(rulesFile)),
                    endpoints.contains("chat") ? List.of(ChatService.TOPIC_PREFIX) : List.of());
            handshake.interceptors(new HandshakeInterceptors(parts.handshakeInterceptors));
            deploy(container, endpoints);
        } catch (RuntimeException e) {
            if (parts != null) {
                parts.close();
            }
            if (relay != null) {
                relay.close();
            }
            background.shutdownNow();
            writers.close();
            throw e;
        }
        handshake.provide(StompServer.KEY, stomp);

        if (endpoints.contains("chat")) {
            ChatService chat = new ChatService(stomp.broker(), budget, jsonb, stomp::nextMessageId, new ChatService.Limits(
                    settings.get(Settings.CHAT_HISTORY_SIZE), settings.get(Settings.CHAT_MESSAGE_MAX),
                    settings.get(Settings.CHAT_ROOMS_MAX), settings.get(LimitSettings.CHAT_HISTORY_BYTES_MAX),
                    settings.get(LimitSettings.CHAT_ROOM_TTL)));
            long sweep = Math.max(1000, Math.min(30_000, settings.get(LimitSettings.CHAT_ROOM_TTL).toMillis() / 4));
            background.scheduleWithFixedDelay(chat::forgetEmptyRooms, sweep, sweep, TimeUnit.MILLISECONDS);
            stomp.router().register(new ChatHandler(chat));
            handshake.provide(ChatService.KEY, chat);
            context.setAttribute(ChatService.KEY, chat);
        }
        if (endpoints.contains("sockjs")) {
            SockJsServer sockjs = sockJsServer(settings, handshake, stomp, context.getContextPath(), inbound, registry);
            handshake.provide(SockJsServer.KEY, sockjs);
            context.setAttribute(SockJsServer.KEY, sockjs);
        }

        context.setAttribute(REGISTRY, registry);
        context.setAttribute(HandshakePolicy.ATTRIBUTE, handshake);
        context.setAttribute(STOMP, stomp);
        context.setAttribute(BACKGROUND, background);
        context.setAttribute(WRITERS, writers);
        context.setAttribute(JSONB, jsonb);
        context.setAttribute(PARTS, parts);
        context.setAttribute(MESSAGING, stomp.router());
        context.setAttribute(DRAIN_TIMEOUT, settings.get(Settings.DRAIN_TIMEOUT));
        DeploymentMBean jmx = DeploymentMBean.register(context, registry);
        if (jmx != null) {
            context.setAttribute(JMX, jmx);
        }
        List<String> described = parts.describe();
        LOG.info(() -> "Switchboard started at " + contextName(context) + ": " + handshake.origins() + ", " + limits
                + ", container buffers " + buffer + " bytes; endpoints " + settings.get(ApplicationSettings.ENDPOINTS)
                + "; relay " + stomp.broker().relay() + "; tokens " + (tokens == null ? "none" : tokens) + "; application " + described + "; STOMP handlers " + stomp.router().mappings());
    }

    private static SockJsServer sockJsServer(Settings settings, HandshakePolicy handshake, StompServer stomp,
                                             String contextPath, InboundRate.Limits inbound, SessionRegistry registry) {
        Set<String> disabled = Set.copyOf(settings.get(Settings.SOCKJS_TRANSPORTS_DISABLED));
        boolean websocket = !disabled.contains("websocket");
        List<SockJsService> services = new ArrayList<>();
        services.add(new SockJsService("stomp", SockJsApplications.joinable(connection -> {
            StompServer.TextSession session = stomp.openTextSession(connection);
            return new SockJsHandler() {
                @Override
                public void onMessage(String message) {
                    session.onText(message);
                }

                @Override
                public void onClose() {
                    session.closed();
                }
            };
        }), websocket, settings.get(Settings.SOCKJS_COOKIE_NEEDED), settings.get(Settings.SOCKJS_STREAM_LIMIT), disabled));
        if (settings.get(Settings.SOCKJS_TEST_SERVICES)) {
            // the sizes and cookie rules the SockJS protocol test suite expects
            services.add(new SockJsService("echo", SockJsApplications.ECHO, websocket, false, 4096, disabled));
            services.add(new SockJsService("close", SockJsApplications.CLOSE, websocket, false, 4096, disabled));
            services.add(new SockJsService("disabled_websocket_echo", SockJsApplications.ECHO, false, false, 4096,
                    disabled));
            services.add(new SockJsService("cookie_needed_echo", SockJsApplications.ECHO, websocket, true, 4096,
                    disabled));
        }
        String clientUrl = settings.get(Settings.SOCKJS_CLIENT_URL);
        if (clientUrl.startsWith("/")) {
            clientUrl = contextPath + clientUrl;
        }
        services.replaceAll(service -> new SockJsService(service.name(),
                SockJsApplications.rateLimited(service.application(), inbound, registry), service.websocket(),
                service.cookieNeeded(), service.streamLimit(), service.disabledTransports()));
        return new SockJsServer(services, new SockJsServer.Options(settings.get(Settings.SOCKJS_HEARTBEAT),
                settings.get(Settings.SOCKJS_DISCONNECT_DELAY), clientUrl, settings.get(Settings.SOCKJS_CORS_MAX_AGE)),
                handshake);
    }

    /** What {@link ApplicationScan} found; nothing when the container did not run it (the library not in the ordering). */
    @SuppressWarnings("unchecked")
    private static Set<Class<?>> scanned(ServletContext context) {
        Object found = context.getAttribute(ApplicationScan.FOUND);
        if (found == null) {
            LOG.fine("Switchboard's initializer did not run: no handler classes scanned (web.xml's absolute-ordering"
                    + " names no 'switchboard' fragment)");
            return Set.of();
        }
        context.removeAttribute(ApplicationScan.FOUND);
        return (Set<Class<?>>) found;
    }

    /** Deploys Switchboard's own endpoints that the application serves. */
    private static void deploy(ServerContainer container, Set<String> endpoints) {
        for (String name : endpoints) {
            for (Class<?> endpoint : OwnEndpoints.of(name)) {
                try {
                    container.addEndpoint(endpoint);
                } catch (jakarta.websocket.DeploymentException e) {
                    throw new IllegalStateException("cannot deploy " + endpoint.getName() + ": " + e.getMessage(), e);
                }
            }
        }
    }

    private static StompServer stompServer(Settings settings, MemoryBudget budget, InboundRate.Limits inbound,
                                           ScheduledExecutorService background, Jsonb jsonb, TokenVerifier tokens) {
        StompServer.Limits limits = new StompServer.Limits(
                new StompDecoder.Limits(settings.get(Settings.STOMP_FRAME_MAX),
                        settings.get(Settings.STOMP_HEADER_COUNT_MAX), settings.get(Settings.STOMP_HEADER_LINE_MAX)),
                settings.get(LimitSettings.STOMP_CONNECT_FRAME_MAX), settings.get(LimitSettings.STOMP_CONNECT_TIMEOUT),
                settings.get(Settings.STOMP_SUBSCRIPTIONS_MAX), settings.get(Settings.STOMP_TRANSACTION_FRAMES_MAX),
                inbound);
        Broker broker = new Broker(new Broker.Limits(settings.get(Settings.STOMP_QUEUE_BUFFER_MAX),
                settings.get(Settings.STOMP_UNACKED_MAX), settings.get(LimitSettings.STOMP_PATTERN_WILDCARDS_MAX)),
                budget);
        List<Duration> beats = settings.get(Settings.STOMP_HEARTBEAT);
        StompServer server = new StompServer(limits, beats.get(0), beats.get(1),
                "binary".equals(settings.get(Settings.STOMP_MESSAGE_FRAMES)), broker, budget, jsonb,
                settings.get(ApplicationSettings.STOMP_APP_ERRORS), new PasswordAuthenticator(settings.get(Settings.STOMP_USERS), settings.get(Settings.STOMP_ANONYMOUS), tokens),
                background);
        return server;
    }

    /** The deployment's timer and closer threads: named, daemon, stopped (and waited for) on undeploy. */
    private static ScheduledThreadPoolExecutor background(String name) {
        BackgroundPool pool = new BackgroundPool("switchboard" + (name.equals("/") ? "" : name.replace('/', '-'))
                + "-background-");
        pool.setRemoveOnCancelPolicy(true);
        pool.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        return pool;
    }

    /** Two timer threads that remember themselves, so that undeploy waits until they have ended. */
    private static final class BackgroundPool extends ScheduledThreadPoolExecutor {
        final java.util.Queue<Thread> threads;

        BackgroundPool(String prefix) {
            this(prefix, new java.util.concurrent.ConcurrentLinkedQueue<>(), new AtomicInteger());
        }

        private BackgroundPool(String prefix, java.util.Queue<Thread> threads, AtomicInteger n) {
            super(2, task -> {
                Thread t = new Thread(task, prefix + n.incrementAndGet());
                t.setDaemon(true);
                threads.add(t);
                return t;
            });
            this.threads = threads;
        }
    }

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        ServletContext context = event.getServletContext();
        if (context.getAttribute(REGISTRY) != null) {
            Duration deadline = context.getAttribute(DRAIN_TIMEOUT) instanceof Duration d ? d : Duration.ofSeconds(5);
            int open = Drain.run(context, deadline);
            LOG.info(() -> "Switchboard stopped at " + contextName(context) + "; " + open + " connections were open");
        }
        if (context.getAttribute(PARTS) instanceof ApplicationParts parts) {
            parts.close();
            context.removeAttribute(PARTS);
        }
        context.removeAttribute(MESSAGING);
        context.removeAttribute(DRAIN_TIMEOUT);
        if (context.getAttribute(JMX) instanceof DeploymentMBean jmx) {
            jmx.unregister();
            context.removeAttribute(JMX);
        }
        context.removeAttribute(STATS_ACCESS);
        if (context.getAttribute(DeploymentMetrics.ATTRIBUTE) instanceof DeploymentMetrics metrics) {
            metrics.close();
            context.removeAttribute(DeploymentMetrics.ATTRIBUTE);
        }
        if (context.getAttribute(STOMP) instanceof StompServer stomp) {
            stomp.broker().relay().close();
        }
        context.removeAttribute(HandshakePolicy.ATTRIBUTE);
        context.removeAttribute(STOMP);
        context.removeAttribute(ChatService.KEY);
        if (context.getAttribute(SockJsServer.KEY) instanceof SockJsServer sockjs) {
            sockjs.close();
            context.removeAttribute(SockJsServer.KEY);
        }
        if (context.getAttribute(WRITERS) instanceof WriterPool writers) {
            writers.close();
            context.removeAttribute(WRITERS);
        }
        if (context.getAttribute(BACKGROUND) instanceof ExecutorService background) {
            stop(background);
            context.removeAttribute(BACKGROUND);
        }
        if (context.getAttribute(JSONB) instanceof Jsonb jsonb) {
            try {
                jsonb.close();
            } catch (Exception e) {
                LOG.log(java.util.logging.Level.FINE, "closing JSON-B failed", e);
            }
            context.removeAttribute(JSONB);
        }
    }

    private static void stop(ExecutorService pool) {
        java.util.Collection<Thread> threads = pool instanceof BackgroundPool b ? b.threads : java.util.List.of();
        pool.shutdown();
        try {
            if (!pool.awaitTermination(5, TimeUnit.SECONDS)) {
                pool.shutdownNow();
            }
            // a terminated pool's threads may still be on their way out: Tomcat's leak check,
            // right after this, would report them
            for (Thread t : threads) {
                t.join(2000);
            }
        } catch (InterruptedException e) {
            pool.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    private static String contextName(ServletContext context) {
        return context.getContextPath().isEmpty() ? "/" : context.getContextPath();
    }
}
