package dev.switchboard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.testing.Deployments;
import dev.switchboard.testing.RawHttp;
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

/**
 * A SockJS session id is not a key to someone else's session: its later requests are served only
 * to the client that opened it (the same user once known, else the same address and JSESSIONID);
 * anyone else gets 404 as if there were no such session, and the owner carries on.
 */
@ExtendWith(ArquillianExtension.class)
class SockJsOwnershipIT {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.switchboard("owned", Map.of("switchboard.jwt.secret", SecurityIT.SECRET));
    }

    @ArquillianResource
    URL base;

    private URI root() {
        return URI.create(base.toString());
    }

    private String path(String session, String transport) {
        return base.getPath() + "sockjs/stomp/000/" + session + "/" + transport;
    }

    private RawHttp.Response from(String address, String session, String transport, String body, Map<String, String> headers)
            throws Exception {
        return RawHttp.exchangeFrom(address, root(), "POST", path(session, transport), headers, body);
    }

    private static final String CONNECT = "[\"CONNECT\\naccept-version:1.2\\nheart-beat:0,0\\n\\n\\u0000\"]";

    @Test
    void anotherAddressCannotReadOrWriteAnAnonymousSession() throws Exception {
        String id = UUID.randomUUID().toString();
        assertEquals("o\n", from("127.0.0.1", id, "xhr", "", Map.of()).body());
        assertEquals(204, from("127.0.0.1", id, "xhr_send", CONNECT, Map.of()).status());
        assertEquals(404, from("127.0.0.2", id, "xhr", "", Map.of()).status(), "another client polls: as if unknown");
        assertEquals(404, from("127.0.0.2", id, "xhr_send", CONNECT, Map.of()).status(), "another client sends");
        RawHttp.Response own = from("127.0.0.1", id, "xhr", "", Map.of());
        assertTrue(own.body().startsWith("a[\"CONNECTED"), "the owner carries on, its frame not taken: " + own.body());
        String stats = Http.get(URI.create(base + "stats")).body();
        assertTrue(Stats.number(stats, "foreignRequests") >= 2, stats);
    }

    @Test
    void aSessionOpenedWithACookieNeedsThatCookie() throws Exception {
        String id = UUID.randomUUID().toString();
        Map<String, String> mine = Map.of("Cookie", "JSESSIONID=mine");
        assertEquals("o\n", from("127.0.0.1", id, "xhr", "", mine).body());
        assertEquals(404, from("127.0.0.1", id, "xhr_send", CONNECT, Map.of("Cookie", "JSESSIONID=theirs")).status());
        assertEquals(204, from("127.0.0.1", id, "xhr_send", CONNECT, mine).status());
    }

    @Test
    void aSessionOpenedWithATokenIsServedOnlyToThatUser() throws Exception {
        String id = UUID.randomUUID().toString();
        String ann = SecurityIT.token("ann");
        assertEquals("o\n", from("127.0.0.1", id, "xhr?access_token=" + ann, "", Map.of()).body());
        assertEquals(404, from("127.0.0.1", id, "xhr_send", CONNECT, Map.of()).status(), "no token: not ann");
        assertEquals(404, from("127.0.0.1", id, "xhr_send?access_token=" + SecurityIT.token("bob"), CONNECT, Map.of())
                .status(), "bob's token");
        assertEquals(204, from("127.0.0.2", id, "xhr_send", CONNECT, Map.of("Authorization", "Bearer " + ann)).status(),
                "ann, from wherever she is now");
        assertTrue(from("127.0.0.1", id, "xhr?access_token=" + ann, "", Map.of()).body().contains("user-name:ann"));
    }
}
