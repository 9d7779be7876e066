package dev.switchboard.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.api.MessageController;
import dev.switchboard.api.MessageMapping;
import dev.switchboard.api.Messaging;
import dev.switchboard.api.MessagingApplication;
import dev.switchboard.api.SessionListener;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * How an application's classes are made when the container's scan does not find them: a
 * registration class named by the {@code application} setting, handlers named by
 * {@code stomp.handlers}, constructors taking a {@link Messaging}, closing on undeploy.
 */
class ApplicationPartsTest {

    private final Messaging messaging = new Messaging() {
        @Override
        public void publish(String destination, Object payload) {
        }

        @Override
        public void sendToUser(String user, String destination, Object payload) {
        }
    };

    /** A handler that takes the deployment's Messaging and has something to close. */
    public static final class Feed implements AutoCloseable {
        final Messaging messaging;
        boolean closed;

        public Feed(Messaging messaging) {
            this.messaging = messaging;
        }

        @MessageMapping("/feed")
        public String feed(String body) {
            return body;
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    /** A listener. */
    public static final class Listener implements SessionListener {
    }

    /** What a WAR without scanning lists. */
    public static final class App extends MessagingApplication {
        @Override
        public Set<Class<?>> getClasses() {
            return Set.of(Feed.class, Listener.class);
        }
    }

    /** Annotated, named by stomp.handlers as well: made once. */
    @MessageController
    public static final class Named {
        @MessageMapping("/named")
        public void named() {
        }
    }

    /** Neither a handler nor an interceptor nor a listener. */
    public static final class Stray {
    }

    /** Lists a class that is none of the application's kinds. */
    public static final class StrayApp extends MessagingApplication {
        @Override
        public Set<Class<?>> getClasses() {
            return Set.of(Stray.class);
        }
    }

    /** A handler with no constructor Switchboard can call. */
    public static final class NeedsSomething {
        public NeedsSomething(String something) {
        }

        @MessageMapping("/x")
        public void x() {
        }
    }

    @Test
    void aRegistrationClassNamedBySettingListsHandlersAndListenersMadeWithMessaging() {
        ApplicationParts parts = ApplicationParts.create(Set.of(), App.class.getName(), List.of(Named.class.getName()),
                getClass().getClassLoader(), messaging);
        assertEquals(2, parts.handlers.size(), parts.describe().toString());
        Feed feed = (Feed) parts.handlers.stream().filter(h -> h instanceof Feed).findFirst().orElseThrow();
        assertSame(messaging, feed.messaging);
        assertEquals(1, parts.listeners.size());
        parts.close();
        assertTrue(feed.closed, "what Switchboard made is closed when the application stops");
    }

    @Test
    void theScanAndTheSettingAddUpAndAClassIsMadeOnce() {
        ApplicationParts parts = ApplicationParts.create(Set.of(Named.class, MessagingApplication.class), "",
                List.of(Named.class.getName()), getClass().getClassLoader(), messaging);
        assertEquals(1, parts.handlers.size(), "abstract types from the scan are skipped; Named is one handler");
    }

    @Test
    void aClassThatCannotBeMadeOrUsedStopsDeploymentNamingIt() {
        IllegalArgumentException stray = assertThrows(IllegalArgumentException.class, () -> ApplicationParts.create(
                Set.of(), StrayApp.class.getName(), List.of(), getClass().getClassLoader(), messaging));
        assertTrue(stray.getMessage().contains(Stray.class.getName()), stray.getMessage());
        IllegalArgumentException needs = assertThrows(IllegalArgumentException.class, () -> ApplicationParts.create(
                Set.of(), "", List.of(NeedsSomething.class.getName()), getClass().getClassLoader(), messaging));
        assertTrue(needs.getMessage().contains("public constructor"), needs.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ApplicationParts.create(Set.of(), "no.such.App", List.of(),
                getClass().getClassLoader(), messaging));
    }
}
