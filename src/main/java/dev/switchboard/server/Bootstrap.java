package dev.switchboard.server;

import dev.switchboard.handshake.HandshakePolicy;
import dev.switchboard.session.SessionEnvironment;
import dev.switchboard.session.SessionLimits;
import dev.switchboard.session.SessionRegistry;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.websocket.server.ServerContainer;
import java.util.Collections;
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
        container.setDefaultMaxBinaryMessageBufferSize(buffer);

        SessionLimits limits = new SessionLimits(settings.get(Settings.TEXT_MESSAGE_MAX),
                settings.get(Settings.BINARY_MESSAGE_MAX), settings.get(Settings.IDLE_TIMEOUT),
                settings.get(Settings.SEND_TIMEOUT), settings.get(Settings.OUTBOUND_QUEUE_MAX));
        SessionRegistry registry = new SessionRegistry();
        HandshakePolicy handshake = new HandshakePolicy(settings.get(Settings.ALLOWED_ORIGINS),
                settings.get(Settings.HANDSHAKE_HEADERS), new SessionEnvironment(limits, registry));

        context.setAttribute(REGISTRY, registry);
        context.setAttribute(HandshakePolicy.ATTRIBUTE, handshake);
        LOG.info(() -> "Switchboard started at " + contextName(context) + ": " + handshake.origins() + ", " + limits
                + ", container buffers " + buffer + " bytes");
    }

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        ServletContext context = event.getServletContext();
        SessionRegistry registry = (SessionRegistry) context.getAttribute(REGISTRY);
        if (registry != null) {
            int open = registry.openCount();
            registry.closeAll("server shutting down");
            LOG.info(() -> "Switchboard stopped at " + contextName(context) + "; closed " + open + " connections with 1001");
        }
        context.removeAttribute(HandshakePolicy.ATTRIBUTE);
    }

    private static String contextName(ServletContext context) {
        return context.getContextPath().isEmpty() ? "/" : context.getContextPath();
    }
}
