package dev.switchboard.server;

import dev.switchboard.api.HandshakeInterceptor;
import dev.switchboard.api.InboundInterceptor;
import dev.switchboard.api.MessageController;
import dev.switchboard.api.MessagingApplication;
import dev.switchboard.api.SessionListener;
import jakarta.servlet.ServletContainerInitializer;
import jakarta.servlet.ServletContext;
import jakarta.servlet.annotation.HandlesTypes;
import java.util.Set;

/**
 * Switchboard's initializer: the container hands it the application's classes that are annotated
 * {@link MessageController} or implement one of the API's interfaces (what web.xml's
 * {@code <absolute-ordering>} lets it scan: the WAR's own classes and the named fragments), and
 * {@link Bootstrap} creates them when the deployment starts. Registered in the library jar's
 * {@code META-INF/services}; nothing else runs here.
 */
@HandlesTypes({MessageController.class, InboundInterceptor.class, HandshakeInterceptor.class, SessionListener.class,
        MessagingApplication.class})
public final class ApplicationScan implements ServletContainerInitializer {

    /** Servlet context attribute: the classes found, a {@code Set<Class<?>>}. */
    static final String FOUND = ApplicationScan.class.getName() + ".found";

    @Override
    public void onStartup(Set<Class<?>> classes, ServletContext context) {
        context.setAttribute(FOUND, classes == null ? Set.of() : Set.copyOf(classes));
    }
}
