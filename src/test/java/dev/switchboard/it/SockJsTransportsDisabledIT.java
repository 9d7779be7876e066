package dev.switchboard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.testing.Deployments;
import dev.switchboard.testing.RawHttp;
import dev.switchboard.testing.TestSocket;
import java.net.URI;
import java.net.URL;
import java.util.Map;
import java.util.UUID;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code sockjs.transports.disabled}: the transports it names answer 404 on every service; the others work. */
@ExtendWith(ArquillianExtension.class)
class SockJsTransportsDisabledIT {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.switchboard("sockjs-disabled", Map.of(
                "switchboard.sockjs.transports.disabled", "websocket,xhr_streaming,jsonp"));
    }

    @ArquillianResource
    URL base;

    @Test
    void disabledTransportsAre404AndTheOthersWork() throws Exception {
        URI uri = URI.create(base.toString());
        for (String service : new String[] {"stomp", "echo"}) {
            String s = base.getPath() + "sockjs/" + service + "/000/" + UUID.randomUUID();
            assertTrue(RawHttp.get(uri, base.getPath() + "sockjs/" + service + "/info").body().contains("\"websocket\":false"));
            assertEquals(404, RawHttp.post(uri, s + "/xhr_streaming", null).status());
            assertEquals(404, RawHttp.get(uri, s + "/jsonp?c=x").status());
            assertEquals(404, RawHttp.post(uri, s + "/jsonp_send", "d=%5B%22x%22%5D").status());
            TestSocket.Refused refused = assertThrows(TestSocket.Refused.class, () -> TestSocket.connect(
                    URI.create("ws://" + base.getHost() + ":" + base.getPort() + s + "/websocket")));
            assertEquals(404, refused.status);
            assertEquals("o\n", RawHttp.post(uri, s + "/xhr", null).body());
            try (RawHttp stream = RawHttp.send(uri, "GET", s.replace("/000/", "/001/") + "x/eventsource", Map.of(), null)) {
                assertEquals(200, stream.head().status());
            }
        }
    }
}
