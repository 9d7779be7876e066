package dev.switchboard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.testing.Deployments;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.Select;

/**
 * The chat page in two headless Chromium sessions (Debian's chromium through its chromedriver):
 * they join one room, see each other arrive, talk, see the text as text, and one leaves; once over
 * WebSocket and once over SockJS with xhr-polling forced. Screenshots go to {@code target/}.
 */
@ExtendWith(ArquillianExtension.class)
@org.junit.jupiter.api.Tag("browser")
class ChatBrowserIT {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.switchboard("chat-browser", Map.of());
    }

    @ArquillianResource
    URL base;

    @Test
    void twoPeopleChatOverWebSocket() throws Exception {
        chat("websocket", "ws-room");
    }

    @Test
    void twoPeopleChatOverSockJsXhrPolling() throws Exception {
        chat("sockjs:xhr-polling", "polling-room");
    }

    /**
     * The chat page cannot be framed by another origin (clickjacking: its Content-Security-Policy
     * says {@code frame-ancestors 'self'}, X-Frame-Options SAMEORIGIN), while its own origin may.
     */
    @Test
    void thePageIsNotFramableByAnotherOrigin() throws Exception {
        ChromeDriver browser = SockJsBrowserIT.chromium();
        // another origin: a page on another port of this machine (a server of the test's own)
        com.sun.net.httpserver.HttpServer other = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        String page = base.toString();
        other.createContext("/framer", exchange -> {
            byte[] body = ("<!doctype html><html><body><iframe id='f' src='" + page + "'></iframe></body></html>")
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/html;charset=UTF-8");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        other.start();
        try {
            browser.get("http://127.0.0.1:" + other.getAddress().getPort() + "/framer");
            await(() -> Boolean.TRUE.equals(browser.executeScript("return document.getElementById('f') !== null")),
                    () -> "the framing page");
            browser.switchTo().frame("f");
            // wait for the frame to have loaded something: the page, or the browser's refusal
            await(() -> Boolean.TRUE.equals(browser.executeScript("return document.readyState === 'complete'"
                    + " && location.href !== 'about:blank'")), () -> "the frame loaded");
            String framed = browser.getPageSource() + " " + browser.executeScript("return location.href");
            browser.switchTo().defaultContent();
            assertTrue(!framed.contains("Switchboard chat"), "another origin sees no chat page in its frame: "
                    + framed.substring(0, Math.min(300, framed.length())));

            browser.get(page);
            browser.executeScript("const f = document.createElement('iframe'); f.id = 'self'; f.src = arguments[0];"
                    + " document.body.appendChild(f);", page);
            await(() -> Boolean.TRUE.equals(browser.executeScript("const d = document.getElementById('self')"
                    + ".contentDocument; return d !== null && d.title === 'Switchboard chat';")),
                    () -> "the page framed by its own origin");
        } finally {
            browser.quit();
            other.stop(0);
        }
    }

    /** Markup in a nickname and a message (the XSS strings of issue 15) shows as text and runs nothing. */
    @Test
    void markupInNicknamesAndMessagesStaysInertText() throws Exception {
        String evilNick = "<img src=x onerror=pwned=1>"; // within the 32-character nickname limit
        String evilText = "</script><img src=x onerror=window.pwned=2><script>window.pwned=3</script>";
        ChromeDriver alice = SockJsBrowserIT.chromium();
        ChromeDriver mallory = null;
        try {
            mallory = SockJsBrowserIT.chromium();
            join(alice, "alice", "xss-room", "websocket");
            join(mallory, evilNick, "xss-room", "websocket");
            ChromeDriver m = mallory;
            await(() -> "connected".equals(m.executeScript("return window.chatState.status")), () -> "mallory connected");
            await(() -> members(alice).size() == 2, () -> "alice sees mallory: " + members(alice));
            say(mallory, evilText);
            await(() -> talk(alice, evilNick).contains(evilText), () -> "alice sees the text as text: "
                    + alice.findElement(By.id("messages")).getText());
            assertTrue(members(alice).contains(evilNick), "the nickname is shown as written: " + members(alice));
            for (ChromeDriver browser : List.of(alice, mallory)) {
                assertTrue(browser.findElements(By.cssSelector("#messages img, #members img, #messages script")).isEmpty(),
                        "no element made from what clients wrote");
                assertEquals(null, browser.executeScript("return window.pwned === undefined ? null : window.pwned"),
                        "no script ran");
            }
        } finally {
            alice.quit();
            if (mallory != null) {
                mallory.quit();
            }
        }
    }

    private void chat(String transport, String room) throws Exception {
        ChromeDriver alice = SockJsBrowserIT.chromium();
        ChromeDriver bob = null;
        try {
            bob = SockJsBrowserIT.chromium();
            join(alice, "alice", room, transport);
            join(bob, "bob", room, transport);
            for (ChromeDriver browser : List.of(alice, bob)) {
                await(() -> "connected".equals(browser.executeScript("return window.chatState.status")),
                        () -> "connected: " + browser.findElement(By.id("status")).getText());
                assertEquals(transport, browser.executeScript("return window.chatState.activeTransport"), "the transport in use");
            }
            ChromeDriver b = bob;
            await(() -> members(alice).equals(List.of("alice", "bob")) && members(b).equals(List.of("alice", "bob")),
                    () -> "presence: alice sees " + members(alice) + ", bob sees " + members(b));

            say(alice, "hello bob <b>not bold</b> & <script>alert(1)</script>");
            await(() -> talk(b, "alice").contains("hello bob <b>not bold</b> & <script>alert(1)</script>"),
                    () -> "bob sees alice: " + talk(b, "alice"));
            assertTrue(bob.findElements(By.cssSelector("#messages b, #messages script")).isEmpty(),
                    "text stays text: no markup from messages in the page");
            say(bob, "hi alice \u00e9\u263a");
            await(() -> talk(alice, "bob").contains("hi alice \u00e9\u263a"), () -> "alice sees bob: " + talk(alice, "bob"));
            WebElement line = alice.findElement(By.cssSelector("#messages li[data-type='TALK'][data-sender='bob']"));
            assertTrue(line.findElement(By.tagName("time")).getText().matches(".*\\d{1,2}:\\d{2}:\\d{2}.*"),
                    "each message shows its time: " + line.getText());
            screenshot(alice, transport);

            alice.findElement(By.id("echo-send")).click(); // the echo demo: /app/echo -> /topic/messages
            await(() -> alice.findElement(By.id("echo-log")).getText().contains("\"message\":\"hello, switchboard\""),
                    () -> "echo: " + alice.findElement(By.id("echo-log")).getText());
            assertTrue(alice.findElement(By.id("echo-log")).getText().contains("\"timestamp\":"));

            // the connection drops: the page reconnects by itself, rejoins, and shows nothing twice
            int talkBefore = alice.findElements(By.cssSelector("#messages li[data-type='TALK']")).size();
            int welcomesBefore = alice.findElements(By.cssSelector("#messages li[data-type='SYSTEM']")).size();
            alice.executeScript("window.chatState.client.webSocket.close()");
            await(() -> String.valueOf(alice.executeScript("return window.chatState.status")).startsWith("reconnecting"),
                    () -> "reconnecting: " + alice.findElement(By.id("status")).getText());
            await(() -> "connected".equals(alice.executeScript("return window.chatState.status")),
                    () -> "reconnected: " + alice.findElement(By.id("status")).getText());
            // the welcome may come in a later poll than the status change (SockJS polling)
            await(() -> alice.findElements(By.cssSelector("#messages li[data-type='SYSTEM']")).size() > welcomesBefore,
                    () -> "a new welcome after the reconnect");
            await(() -> members(alice).equals(List.of("alice", "bob")), () -> "presence after reconnect: " + members(alice));
            assertEquals(talkBefore, alice.findElements(By.cssSelector("#messages li[data-type='TALK']")).size(),
                    "the replayed history is not shown twice");
            assertEquals(welcomesBefore + 1, alice.findElements(By.cssSelector("#messages li[data-type='SYSTEM']")).size(),
                    "one new welcome after the reconnect");

            bob.findElement(By.id("leave-button")).click();
            await(() -> members(alice).equals(List.of("alice")), () -> "bob left: alice sees " + members(alice));
            await(() -> !alice.findElements(By.cssSelector("#messages li[data-type='LEAVE'][data-sender='bob']")).isEmpty(),
                    () -> "alice sees bob leave");
        } finally {
            alice.quit();
            if (bob != null) {
                bob.quit();
            }
        }
    }

    private void join(ChromeDriver browser, String nickname, String room, String transport) {
        browser.get(base + "?room=" + room);
        WebElement nick = browser.findElement(By.id("nickname"));
        nick.clear();
        nick.sendKeys(nickname);
        new Select(browser.findElement(By.id("transport"))).selectByValue(transport);
        browser.findElement(By.id("join-button")).click();
    }

    private static void say(ChromeDriver browser, String text) {
        WebElement input = browser.findElement(By.id("text"));
        input.sendKeys(text);
        browser.findElement(By.id("send")).click();
    }

    /** Read in one script: the page may replace the list between two WebDriver calls. */
    @SuppressWarnings("unchecked")
    static List<String> members(ChromeDriver browser) {
        return ((List<Object>) browser.executeScript(
                "return Array.from(document.querySelectorAll('#members li')).map(li => li.textContent).sort()"))
                .stream().map(String::valueOf).toList();
    }

    private static String talk(ChromeDriver browser, String sender) {
        return String.valueOf(browser.executeScript("return Array.from(document.querySelectorAll("
                + "\"#messages li[data-type='TALK'][data-sender='\" + arguments[0] + \"'] .text\"))"
                + ".map(e => e.textContent).join('\\n')", sender));
    }

    private static void screenshot(ChromeDriver browser, String transport) throws Exception {
        Path file = browser.getScreenshotAs(OutputType.FILE).toPath();
        Path target = Path.of("target", "chat-" + transport.replace(':', '-') + ".png");
        Files.copy(file, target, StandardCopyOption.REPLACE_EXISTING);
        assertTrue(Files.size(target) > 10_000, "a real screenshot: " + target);
    }

    private static void await(Supplier<Boolean> condition, Supplier<String> what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!Boolean.TRUE.equals(condition.get())) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out: " + what.get());
            }
            Thread.sleep(50);
        }
    }
}
