package dev.switchboard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.testing.Deployments;
import dev.switchboard.testing.TestSocket;
import java.net.URI;
import java.net.URL;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** /echo through a real client against Switchboard deployed in Tomcat, with the default limits. */
@ExtendWith(ArquillianExtension.class)
class EchoEndpointIT {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.switchboard("echo", Map.of());
    }

    @ArquillianResource
    URL base;

    private URI echo() {
        return URI.create(base.toString().replaceFirst("^http", "ws") + "echo");
    }

    @Test
    void textComesBackUnchanged() throws Exception {
        try (TestSocket socket = TestSocket.connect(echo())) {
            socket.sendText("hello, switchboard ✓");
            assertEquals("hello, switchboard ✓", socket.nextText());
        }
    }

    @Test
    void binaryComesBackUnchanged() throws Exception {
        byte[] data = {0, 1, 2, (byte) 0xff, 0, 42};
        try (TestSocket socket = TestSocket.connect(echo())) {
            socket.sendBinary(ByteBuffer.wrap(data));
            assertEquals(ByteBuffer.wrap(data), socket.nextBinary());
        }
    }

    @Test
    void messagesLargerThanTheContainerBufferArriveWhole() throws Exception {
        // 8 KiB container buffers: these arrive in parts and are joined under the 64 KiB limit
        String text = "x".repeat(30_000) + "é".repeat(30_000) + "end";
        byte[] bytes = new byte[65_536];
        new Random(7).nextBytes(bytes);
        try (TestSocket socket = TestSocket.connect(echo())) {
            socket.sendText(text);
            assertEquals(text, socket.nextText());
            socket.sendBinary(ByteBuffer.wrap(bytes));
            assertEquals(ByteBuffer.wrap(bytes), socket.nextBinary());
        }
    }

    @Test
    void manyMessagesComeBackInOrder() throws Exception {
        try (TestSocket socket = TestSocket.connect(echo())) {
            for (int i = 0; i < 2_000; i++) {
                socket.sendText("message " + i);
            }
            for (int i = 0; i < 2_000; i++) {
                assertEquals("message " + i, socket.nextText());
            }
        }
    }

    @Test
    void oversizeTextClosesWith1009AndOthersGoOn() throws Exception {
        try (TestSocket bystander = TestSocket.connect(echo()); TestSocket socket = TestSocket.connect(echo())) {
            socket.sendText("y".repeat(65_537));
            TestSocket.Close close = socket.awaitClose(Duration.ofSeconds(10));
            assertEquals(1009, close.code(), close.toString());
            assertTrue(close.reason().contains("65536"), close.reason());
            bystander.sendText("still here");
            assertEquals("still here", bystander.nextText());
        }
    }

    @Test
    void oversizeBinaryClosesWith1009() throws Exception {
        try (TestSocket socket = TestSocket.connect(echo())) {
            socket.sendBinary(ByteBuffer.allocate(100_000));
            assertEquals(1009, socket.awaitClose(Duration.ofSeconds(10)).code());
        }
    }

    @Test
    void statsCountWhatHappened() throws Exception {
        String before = Http.get(URI.create(base + "stats")).body();
        try (TestSocket socket = TestSocket.connect(echo())) {
            socket.sendText("counted");
            socket.nextText();
        }
        var response = Http.get(URI.create(base + "stats"));
        assertEquals(200, response.statusCode());
        assertEquals("application/json", response.headers().firstValue("content-type").orElse("").split(";")[0]);
        long openedBefore = Stats.number(before, "opened");
        long openedAfter = Stats.number(response.body(), "opened");
        assertTrue(openedAfter >= openedBefore + 1, before + " -> " + response.body());
    }
}
