package dev.switchboard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.chat.ChatMessage;
import dev.switchboard.stomp.StompCommand;
import dev.switchboard.stomp.StompFrame;
import dev.switchboard.security.PasswordHashes;
import dev.switchboard.testing.Deployments;
import dev.switchboard.testing.StompTestClient;
import dev.switchboard.testing.TestSocket;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The chat service through real clients: STOMP clients on {@code /stomp} ({@code /topic/chat.{room}},
 * {@code /app/chat/{room}}) and JSON clients on {@code /chat/{room}}, alone and in one room together.
 */
@ExtendWith(ArquillianExtension.class)
class ChatIT {

    private static final Jsonb JSON = JsonbBuilder.create();

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.switchboard("chat", Map.of("switchboard.chat.history.size", "5",
                "switchboard.chat.message.max", "100", "switchboard.stomp.users", "carol:" + PasswordHashes.hash("secret")));
    }

    @ArquillianResource
    URL base;

    private URI stomp() {
        return URI.create(base.toString().replaceFirst("^http", "ws") + "stomp");
    }

    private URI json(String room, String nickname) {
        return URI.create(base.toString().replaceFirst("^http", "ws") + "chat/" + room
                + (nickname == null ? "" : "?nickname=" + nickname));
    }

    private static ChatMessage next(StompTestClient client) {
        StompFrame frame = client.expect(StompCommand.MESSAGE);
        assertEquals("application/json", frame.header("content-type"));
        return JSON.fromJson(frame.bodyText(), ChatMessage.class);
    }

    private static ChatMessage next(TestSocket socket) {
        return JSON.fromJson(socket.nextText(), ChatMessage.class);
    }

    private static StompTestClient join(StompTestClient client, String room, String nickname) {
        client.send(StompFrame.of(StompCommand.SUBSCRIBE, "id", room, "destination", "/topic/chat." + room,
                "nickname", nickname, "receipt", "joined-" + room));
        return client;
    }

    private static void talk(StompTestClient client, String room, String json) {
        client.send(StompFrame.of(StompCommand.SEND, "destination", "/app/chat/" + room, "content-type",
                "application/json").withBody(json));
    }

    private static void assertRecent(ChatMessage m) {
        Instant at = Instant.parse(m.timestamp);
        assertTrue(Duration.between(at, Instant.now()).abs().toSeconds() < 30, m.timestamp);
    }

    @Test
    void stompClientsJoinTalkAndLeaveWithPresence() throws Exception {
        try (StompTestClient alice = StompTestClient.connect(stomp());
             StompTestClient bob = StompTestClient.connect(stomp())) {
            join(alice, "lobby", "alice");
            ChatMessage welcome = next(alice);
            assertEquals(ChatMessage.Type.SYSTEM, welcome.type);
            assertEquals(List.of("alice"), welcome.members);
            ChatMessage enter = next(alice);
            alice.expect(StompCommand.RECEIPT); // the newcomer's history, welcome and ENTER come first
            assertEquals(ChatMessage.Type.ENTER, enter.type);
            assertEquals("alice", enter.sender);
            assertEquals("lobby", enter.room);

            talk(alice, "lobby", "{\"type\":\"TALK\",\"text\":\"hi <b>all</b>\",\"sender\":\"alice\","
                    + "\"id\":\"forged\",\"timestamp\":\"1999-01-01T00:00:00Z\",\"room\":\"elsewhere\"}");
            ChatMessage hi = next(alice);
            assertEquals(ChatMessage.Type.TALK, hi.type);
            assertEquals("alice", hi.sender);
            assertEquals("hi <b>all</b>", hi.text, "text is data: passed on as sent, never rewritten");
            assertEquals("lobby", hi.room);
            assertNotEquals("forged", hi.id);
            assertRecent(hi);

            join(bob, "lobby", "bob");
            ChatMessage replayed1 = next(bob);
            ChatMessage replayed2 = next(bob);
            assertEquals(List.of(ChatMessage.Type.ENTER, ChatMessage.Type.TALK), List.of(replayed1.type, replayed2.type));
            assertTrue(replayed1.history && replayed2.history);
            assertEquals(hi.id, replayed2.id);
            ChatMessage bobWelcome = next(bob);
            assertEquals(ChatMessage.Type.SYSTEM, bobWelcome.type);
            assertEquals(List.of("alice", "bob"), bobWelcome.members);
            ChatMessage bobEnters = next(alice);
            assertEquals(ChatMessage.Type.ENTER, bobEnters.type);
            assertEquals("bob", bobEnters.sender);
            assertEquals(List.of("alice", "bob"), bobEnters.members);

            bob.send(StompFrame.of(StompCommand.UNSUBSCRIBE, "id", "lobby"));
            ChatMessage bobLeaves = next(alice);
            assertEquals(ChatMessage.Type.LEAVE, bobLeaves.type);
            assertEquals("bob", bobLeaves.sender);
            assertEquals(List.of("alice"), bobLeaves.members);
        }
    }

    @Test
    void jsonAndStompClientsShareARoom() throws Exception {
        try (TestSocket dave = TestSocket.connect(json("mixed", "dave"));
             StompTestClient erin = StompTestClient.connect(stomp())) {
            ChatMessage welcome = next(dave);
            assertEquals(ChatMessage.Type.SYSTEM, welcome.type);
            assertEquals(List.of("dave"), welcome.members);
            assertEquals(ChatMessage.Type.ENTER, next(dave).type);

            join(erin, "mixed", "erin");
            ChatMessage history = next(erin);
            assertEquals(ChatMessage.Type.ENTER, history.type);
            assertEquals("dave", history.sender);
            assertEquals(List.of("dave", "erin"), next(erin).members);
            assertEquals(ChatMessage.Type.ENTER, next(erin).type);
            erin.expect(StompCommand.RECEIPT);
            ChatMessage erinEnters = next(dave);
            assertEquals("erin", erinEnters.sender);
            assertEquals(List.of("dave", "erin"), erinEnters.members);

            dave.sendText("{\"type\":\"TALK\",\"text\":\"from json\"}");
            ChatMessage fromJson = next(erin);
            assertEquals("dave", fromJson.sender);
            assertEquals("from json", fromJson.text);
            assertEquals(fromJson.id, next(dave).id, "both kinds of client get the same message");

            talk(erin, "mixed", "{\"type\":\"TALK\",\"text\":\"from stomp\",\"sender\":\"erin\"}");
            ChatMessage fromStomp = next(dave);
            assertEquals("erin", fromStomp.sender);
            assertEquals("from stomp", fromStomp.text);
            next(erin);

            dave.close();
            ChatMessage daveLeaves = next(erin);
            assertEquals(ChatMessage.Type.LEAVE, daveLeaves.type);
            assertEquals(List.of("erin"), daveLeaves.members);
        }
    }

    @Test
    void anAuthenticatedSenderCannotBeSpoofed() throws Exception {
        try (StompTestClient carol = StompTestClient.connect(stomp(), "login", "carol", "passcode", "secret")) {
            join(carol, "secure", "not-carol");
            ChatMessage welcome = next(carol);
            assertEquals(List.of("carol"), welcome.members, "the principal's name, not the nickname header");
            next(carol);
            carol.expect(StompCommand.RECEIPT);
            talk(carol, "secure", "{\"type\":\"TALK\",\"text\":\"it is me\",\"sender\":\"mallory\"}");
            assertEquals("carol", next(carol).sender);
        }
    }

    @Test
    void joinersGetTheLastMessagesOnly() throws Exception {
        try (StompTestClient writer = StompTestClient.connect(stomp())) {
            join(writer, "history", "writer");
            next(writer);
            next(writer);
            writer.expect(StompCommand.RECEIPT);
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                talk(writer, "history", "{\"text\":\"m" + i + "\",\"sender\":\"writer\"}");
                ids.add(next(writer).id);
            }
            try (TestSocket reader = TestSocket.connect(json("history", "reader"))) {
                List<String> replayed = new ArrayList<>();
                ChatMessage m;
                while ((m = next(reader)).type != ChatMessage.Type.SYSTEM) {
                    assertTrue(m.history);
                    replayed.add(m.text);
                }
                assertEquals(List.of("m3", "m4", "m5", "m6", "m7"), replayed, "the last 5 (chat.history.size)");
            }
        }
    }

    @Test
    void limitsAndBadInput() throws Exception {
        try (TestSocket frank = TestSocket.connect(json("limits", "frank"))) {
            next(frank);
            next(frank);
            frank.sendText("{\"type\":\"TALK\",\"text\":\"" + "x".repeat(101) + "\"}");
            ChatMessage tooLong = next(frank);
            assertEquals(ChatMessage.Type.SYSTEM, tooLong.type);
            assertTrue(tooLong.text.contains("at most 100 characters"), tooLong.text);
            frank.sendText("not json");
            assertTrue(next(frank).text.startsWith("error: "));
            frank.sendText("{\"type\":\"FOO\",\"text\":\"x\"}");
            String unknownType = next(frank).text;
            assertTrue(unknownType.startsWith("error: not a chat message"), unknownType);
            assertTrue(!unknownType.contains("dev.switchboard") && !unknownType.contains("enum"),
                    "no Java type or library text in what the client is told: " + unknownType);
            frank.sendText("{\"type\":\"ENTER\",\"text\":\"fake\"}");
            assertTrue(next(frank).text.contains("clients send TALK"));
            frank.sendText("{\"text\":\"   \"}");
            assertTrue(next(frank).text.contains("needs a text"));
            frank.sendText("{\"text\":\"still here\"}");
            ChatMessage ok = next(frank);
            assertEquals("still here", ok.text);
            assertEquals("frank", ok.sender);
        }
        try (StompTestClient grace = StompTestClient.connect(stomp())) {
            errors(grace);
            talk(grace, "limits", "{\"text\":\"" + "y".repeat(101) + "\"}");
            StompFrame error = grace.expect(StompCommand.MESSAGE);
            assertEquals("/user/queue/errors", error.header("destination"));
            assertTrue(error.bodyText().contains("at most 100 characters"), error.bodyText());
        }
        try (StompTestClient henry = StompTestClient.connect(stomp())) {
            errors(henry);
            talk(henry, "limits", "{\"type\":\"FOO\",\"text\":\"x\"}");
            StompFrame error = henry.expect(StompCommand.MESSAGE);
            assertTrue(error.bodyText().contains("is not the JSON this destination takes"), error.bodyText());
            assertTrue(!error.bodyText().contains("dev.switchboard") && !error.bodyText().contains("enum"),
                    error.bodyText());
        }
        try (TestSocket bad = TestSocket.connect(json("bad.room", "x"))) {
            assertEquals(1008, bad.awaitClose(Duration.ofSeconds(5)).code());
        }
        try (TestSocket noName = TestSocket.connect(json("limits", null))) {
            ChatMessage welcome = next(noName);
            while (welcome.type != ChatMessage.Type.SYSTEM) {
                welcome = next(noName); // the room's history first
            }
            assertTrue(welcome.members.stream().anyMatch(n -> n.startsWith("guest-")), welcome.members.toString());
            assertNull(welcome.sender);
        }
    }

    /** Subscribes to the session's error destination, where a refused chat message is answered. */
    private static void errors(StompTestClient client) throws Exception {
        client.send(StompFrame.of(StompCommand.SUBSCRIBE, "id", "errors", "destination", "/user/queue/errors",
                "receipt", "errors"));
        client.expect(StompCommand.RECEIPT);
    }
}
