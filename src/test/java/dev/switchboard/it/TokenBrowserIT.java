package dev.switchboard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.testing.Await;
import dev.switchboard.testing.Deployments;
import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * Bearer tokens from a page in Chromium (sockjs-client and @stomp/stompjs, the token as the
 * CONNECT passcode) over SockJS's websocket and xhr-streaming transports: a valid one names the
 * user, an expired one is refused with an ERROR saying so.
 */
@ExtendWith(ArquillianExtension.class)
@org.junit.jupiter.api.Tag("browser")
class TokenBrowserIT {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return SockJsBrowserIT.withBrowserPage(Deployments.switchboard("token-browser",
                Map.of("switchboard.jwt.secret", SecurityIT.SECRET)));
    }

    @ArquillianResource
    URL base;

    @Test
    void aPageConnectsWithItsTokenAndAnExpiredOneIsRefused() throws Exception {
        ChromeDriver browser = SockJsBrowserIT.chromium();
        try {
            for (String transport : List.of("websocket", "xhr-streaming")) {
                browser.get(base + "browser/sockjs-stomp.html?transport=" + transport + "&id=t-" + transport
                        + "&token=" + SecurityIT.token("ann", Duration.ofMinutes(5), "switchboard"));
                Await.until("connected over " + transport, Duration.ofSeconds(20),
                        () -> Boolean.TRUE.equals(browser.executeScript("return window.results.connected")));
                assertEquals("ann", browser.executeScript("return window.results.user"), transport);
                assertEquals(transport, browser.executeScript("return window.results.transport"));

                browser.get(base + "browser/sockjs-stomp.html?transport=" + transport + "&id=x-" + transport
                        + "&token=" + SecurityIT.token("ann", Duration.ofMinutes(-5), "switchboard"));
                Await.until("refused over " + transport, Duration.ofSeconds(20),
                        () -> !((List<?>) browser.executeScript("return window.results.errors")).isEmpty());
                String error = String.valueOf(((List<?>) browser.executeScript("return window.results.errors")).get(0));
                assertTrue(error.equals("authentication failed: invalid token: expired"), error);
                assertEquals(Boolean.FALSE, browser.executeScript("return window.results.connected"));
            }
        } finally {
            browser.quit();
        }
    }
}
