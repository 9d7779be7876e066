package dev.switchboard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.switchboard.it.cdi.CdiHandler;
import dev.switchboard.it.cdi.Greeter;
import dev.switchboard.stomp.StompCommand;
import dev.switchboard.stomp.StompFrame;
import dev.switchboard.testing.Deployments;
import dev.switchboard.testing.StompTestClient;
import java.io.File;
import java.net.URI;
import java.net.URL;
import java.util.Map;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A handler made by CDI (Weld's servlet build in the WAR, started by its listener in web.xml, as
 * a Tomcat user adds CDI): {@code @ApplicationScoped}, its {@code @Inject} constructor given an
 * application-scoped bean, one instance for every session.
 */
@ExtendWith(ArquillianExtension.class)
class CdiIT {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.switchboard("cdi", Map.of(),
                        "  <listener><listener-class>org.jboss.weld.environment.servlet.Listener</listener-class></listener>\n")
                .addClasses(CdiHandler.class, Greeter.class)
                .addAsLibrary(new File("target/test-libraries/weld-servlet-shaded.jar"))
                .addAsWebInfResource(new StringAsset("<beans xmlns=\"https://jakarta.ee/xml/ns/jakartaee\""
                        + " version=\"4.0\" bean-discovery-mode=\"annotated\"/>"), "beans.xml");
    }

    @ArquillianResource
    URL base;

    @Test
    void aHandlerCdiMakesGetsItsInjectedBeansAndIsOneForEverySession() throws Exception {
        URI stomp = URI.create(base.toString().replaceFirst("^http", "ws") + "stomp");
        for (int n = 1; n <= 2; n++) {
            try (StompTestClient c = StompTestClient.connect(stomp)) {
                c.send(StompFrame.of(StompCommand.SUBSCRIBE, "id", "g", "destination", "/topic/greetings", "receipt", "s"));
                c.expect(StompCommand.RECEIPT);
                c.send(StompFrame.of(StompCommand.SEND, "destination", "/app/cdi/greet").withBody("ann"));
                assertEquals("hello ann #" + n, c.expect(StompCommand.MESSAGE).bodyText());
            }
        }
    }
}
