package dev.switchboard.it;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.stomp.StompCommand;
import dev.switchboard.stomp.StompFrame;
import dev.switchboard.testing.Deployments;
import dev.switchboard.testing.StompTestClient;
import java.io.File;
import java.net.URI;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.function.Executable;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Clients nobody here wrote, in a real browser: the npm packages sockjs-client 1.6.1 and
 * {@code @stomp/stompjs} 7.5.0 in Debian's headless Chromium, driven through its chromedriver,
 * once per SockJS transport forced. Each connects to {@code /sockjs/stomp}, subscribes, exchanges
 * messages both ways with a Java STOMP client on {@code /stomp}, gets the echo handler's answer,
 * and disconnects.
 */
@ExtendWith(ArquillianExtension.class)
@org.junit.jupiter.api.Tag("browser")
class SockJsBrowserIT {

    static final List<String> TRANSPORTS = List.of("websocket", "xhr-streaming", "xhr-polling", "eventsource",
            "iframe-htmlfile", "iframe-xhr-polling", "jsonp-polling");

    @Deployment(testable = false)
    static WebArchive deployment() {
        return withBrowserPage(Deployments.switchboard("sockjs-browser", Map.of()));
    }

    /** Adds the test page and the npm packages it loads (as npm installed them for the tests) under {@code browser/}. */
    static WebArchive withBrowserPage(WebArchive war) {
        war.addAsWebResource(new File("src/test/resources/browser/sockjs-stomp.html"), "browser/sockjs-stomp.html");
        war.addAsWebResource(new File("src/test/resources/browser/sockjs-stomp.js"), "browser/sockjs-stomp.js");
        war.addAsWebResource(new File("src/test/node/node_modules/sockjs-client/dist/sockjs.min.js"), "browser/sockjs.min.js");
        war.addAsWebResource(new File("src/test/node/node_modules/@stomp/stompjs/bundles/stomp.umd.min.js"),
                "browser/stomp.umd.min.js");
        return war;
    }

    @ArquillianResource
    URL base;

    /**
     * A program for the browser tests: the system property {@code property} (say
     * {@code -Dchromium=/opt/chromium/chrome}) when set, else the first {@code candidates} on the PATH.
     */
    static File executable(String property, String... candidates) {
        String set = System.getProperty(property);
        if (set != null && !set.isBlank()) {
            return new File(set);
        }
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
            for (String name : candidates) {
                File f = new File(dir, name);
                if (f.canExecute()) {
                    return f;
                }
            }
        }
        throw new IllegalStateException("no " + String.join(" or ", candidates) + " on the PATH; install Debian's"
                + " chromium and chromium-driver, set -D" + property + "=..., or leave the browser tests out with"
                + " -Dexcluded.groups=browser");
    }

    /** Chromium through its chromedriver, both found on the PATH (Debian's); nothing is downloaded. */
    static ChromeDriver chromium() throws Exception {
        Path home = Files.createDirectories(Path.of("target", "browser-home"));
        Path profile = Files.createTempDirectory(home, "profile");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(executable("chromium", "chromium", "chromium-browser", "google-chrome"));
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1200,900", "--user-data-dir=" + profile.toAbsolutePath());
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(executable("chromedriver", "chromedriver"))
                .usingAnyFreePort()
                .withEnvironment(Map.of("HOME", home.toAbsolutePath().toString()))
                .build();
        return new ChromeDriver(service, options);
    }

    @Test
    void sockjsClientAndStompJsOverEveryTransport() throws Exception {
        URI stomp = URI.create(base.toString().replaceFirst("^http", "ws") + "stomp");
        ChromeDriver browser = chromium();
        try (StompTestClient java = StompTestClient.connect(stomp)) {
            List<Executable> checks = new ArrayList<>();
            for (String transport : TRANSPORTS) {
                checks.add(exchange(browser, java, transport));
            }
            assertAll(checks);
        } finally {
            browser.quit();
        }
    }

    /** Runs one transport now; the returned check reports its outcome. */
    private Executable exchange(ChromeDriver browser, StompTestClient java, String transport) {
        try {
            String id = transport.replace('-', '_');
            java.send(StompFrame.of(StompCommand.SUBSCRIBE, "id", id, "destination", "/topic/from-browser-" + id,
                    "receipt", "sub-" + id));
            java.expect(StompCommand.RECEIPT);
            browser.get(base + "browser/sockjs-stomp.html?transport=" + transport + "&id=" + id);
            JavascriptExecutor js = browser;
            await(() -> Boolean.TRUE.equals(js.executeScript("return window.results.connected")),
                    () -> transport + " connects: " + js.executeScript("return JSON.stringify(window.results)"));
            assertEquals(transport, js.executeScript("return window.results.transport"), "the transport in use");

            js.executeScript("sendToJava(3)");
            for (int i = 0; i < 3; i++) {
                StompFrame message = java.expect(StompCommand.MESSAGE);
                assertEquals("from browser " + i + " \u00e9\u2028\"", message.bodyText(), transport);
            }
            for (int i = 0; i < 3; i++) {
                java.send(StompFrame.of(StompCommand.SEND, "destination", "/topic/to-browser-" + id)
                        .withBody("to browser " + i + " \u00fc\0"));
            }
            await(() -> ((Number) js.executeScript("return window.results.received.length")).intValue() == 3,
                    () -> transport + " receives: " + js.executeScript("return JSON.stringify(window.results)"));
            assertEquals(List.of("to browser 0 \u00fc", "to browser 1 \u00fc", "to browser 2 \u00fc"),
                    js.executeScript("return window.results.received.map(b => b.replace('\\0', ''))"), transport);
            await(() -> js.executeScript("return window.results.echo") != null,
                    () -> transport + " gets the echo: " + js.executeScript("return JSON.stringify(window.results)"));
            assertTrue(js.executeScript("return window.results.echo.timestamp").toString().endsWith("Z"));

            js.executeScript("disconnect()");
            await(() -> Boolean.TRUE.equals(js.executeScript("return window.results.closed")),
                    () -> transport + " closes");
            assertEquals(List.of(), js.executeScript("return window.results.errors"), transport);
            java.send(StompFrame.of(StompCommand.UNSUBSCRIBE, "id", id));
            return () -> { };
        } catch (Throwable failure) {
            return () -> {
                throw new AssertionError(transport + ": " + failure.getMessage(), failure);
            };
        }
    }

    private static void await(Supplier<Boolean> condition, Supplier<String> what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.get()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out: " + what.get());
            }
            Thread.sleep(50);
        }
    }
}
