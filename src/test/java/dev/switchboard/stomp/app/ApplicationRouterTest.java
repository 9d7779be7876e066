package dev.switchboard.stomp.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.broker.AckMode;
import dev.switchboard.broker.Broker;
import dev.switchboard.broker.Message;
import dev.switchboard.broker.Subscriber;
import dev.switchboard.broker.Subscription;
import jakarta.json.bind.JsonbBuilder;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** {@code /app} requests to handler methods: templates, arguments, conversions, replies and refusals. */
class ApplicationRouterTest {

    private final Broker broker = new Broker(10, 10);
    private final AtomicLong ids = new AtomicLong();
    private final ApplicationRouter router = new ApplicationRouter(broker, JsonbBuilder.create(),
            () -> "m" + ids.incrementAndGet());

    /** A JSON payload. */
    public static final class Order {
        public String item;
        public int count;
    }

    /** Handlers of every kind the router supports. */
    public static final class Shop {
        @MessageMapping("/shop/{store}/order")
        @SendTo("/topic/{store}.orders")
        public String order(@DestinationVariable("store") String store, Order order, @Header("x-trace") String trace) {
            return store + ":" + order.item + "x" + order.count + ":" + trace;
        }

        @MessageMapping("/whoami")
        @SendToUser("/queue/me")
        public String whoami(Principal principal, String body) {
            return (principal == null ? "anonymous" : principal.getName()) + ":" + body;
        }

        @MessageMapping("/plain")
        public String plain(byte[] body) {
            return new String(body, StandardCharsets.UTF_8).toUpperCase();
        }

        @MessageMapping("/refuse")
        public void refuse() {
            throw new MessagingException("not today");
        }

        @MessageMapping("/broken")
        public void broken() {
            throw new IllegalStateException("a bug");
        }
    }

    private final List<String> heard = new CopyOnWriteArrayList<>();

    private void listen(String destination) throws Exception {
        Subscriber s = new Subscriber() {
            @Override
            public String sessionId() {
                return "listener-" + destination;
            }

            @Override
            public boolean deliver(Subscription subscription, Message message, boolean redelivered) {
                heard.add(message.destination() + " " + message.contentType() + " "
                        + new String(message.body(), StandardCharsets.UTF_8));
                return true;
            }
        };
        broker.subscribe(s, "alice", "1", destination, AckMode.AUTO, null);
    }

    private static ApplicationRouter.Request request(String destination, String body, Principal principal) {
        return new ApplicationRouter.Request(destination, Map.of("x-trace", "t1"),
                body.getBytes(StandardCharsets.UTF_8), principal, principal == null ? "s-1" : principal.getName());
    }

    @Test
    void variablesJsonPayloadsAndHeadersReachTheHandlerAndItsReplyGoesWhereSendToSays() throws Exception {
        router.register(new Shop());
        listen("/topic/paris.orders");
        router.dispatch(request("/app/shop/paris/order", "{\"item\":\"bread\",\"count\":2}", null));
        assertEquals(List.of("/topic/paris.orders text/plain;charset=UTF-8 paris:breadx2:t1"), heard);
    }

    @Test
    void aReplyToTheUserReachesThatUsersQueueOnly() throws Exception {
        router.register(new Shop());
        listen("/user/queue/me");
        router.dispatch(request("/app/whoami", "hi", () -> "alice"));
        assertEquals(1, heard.size(), heard.toString());
        assertTrue(heard.get(0).endsWith("alice:hi"), heard.get(0));
        router.dispatch(request("/app/whoami", "hi", () -> "bob"));
        assertEquals(1, heard.size(), "bob's reply is not alice's");
    }

    @Test
    void withoutSendToTheReplyGoesToTheSameTopic() throws Exception {
        router.register(new Shop());
        listen("/topic/plain");
        router.dispatch(request("/app/plain", "shout", null));
        assertEquals(List.of("/topic/plain text/plain;charset=UTF-8 SHOUT"), heard);
    }

    @Test
    void mistakesAreRefusedWithAReasonAndNothingIsPublished() throws Exception {
        router.register(new Shop());
        listen("/topic/paris.orders");
        ApplicationRouter.RequestException notJson = assertThrows(ApplicationRouter.RequestException.class,
                () -> router.dispatch(request("/app/shop/paris/order", "not json", null)));
        assertTrue(notJson.getMessage().contains("is not the JSON this destination takes"), notJson.getMessage());
        assertTrue(!notJson.getMessage().contains("Order") && !notJson.getMessage().contains("dev.switchboard"),
                "no Java type in what the client is told: " + notJson.getMessage());
        assertEquals("not today", assertThrows(ApplicationRouter.RequestException.class,
                () -> router.dispatch(request("/app/refuse", "", null))).getMessage());
        assertTrue(assertThrows(ApplicationRouter.RequestException.class,
                () -> router.dispatch(request("/app/broken", "", null))).getMessage().contains("failed"),
                "a handler's bug is reported without its details");
        assertTrue(assertThrows(ApplicationRouter.RequestException.class,
                () -> router.dispatch(request("/app/nowhere", "", null))).getMessage().contains("no application handler"));
        assertEquals(List.of(), heard);
    }

    @Test
    void aClassWithoutMappingsIsRefusedAtRegistration() {
        assertThrows(IllegalArgumentException.class, () -> router.register(new Object()));
    }
}
