package dev.switchboard.stomp.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.api.DestinationVariable;
import dev.switchboard.api.Header;
import dev.switchboard.api.MessageController;
import dev.switchboard.api.MessageExceptionHandler;
import dev.switchboard.api.MessageMapping;
import dev.switchboard.api.MessagingException;
import dev.switchboard.api.MessagingSession;
import dev.switchboard.api.SendTo;
import dev.switchboard.api.SendToUser;
import dev.switchboard.api.SubscribeMapping;
import dev.switchboard.broker.AckMode;
import dev.switchboard.broker.Broker;
import dev.switchboard.broker.Message;
import dev.switchboard.broker.Subscriber;
import dev.switchboard.broker.Subscription;
import jakarta.json.bind.JsonbBuilder;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * {@code /app} requests to handler methods: templates and patterns, arguments, conversions,
 * replies, asynchronous results, and what goes wrong answered on the sender's error destination.
 */
class ApplicationRouterTest {

    private final Broker broker = new Broker(10, 10);
    private final AtomicLong ids = new AtomicLong();
    private final ApplicationRouter router = new ApplicationRouter(broker, JsonbBuilder.create(),
            () -> "m" + ids.incrementAndGet(), "/queue/errors");

    /** A JSON payload. */
    public static final class Order {
        public String item;
        public int count;
    }

    /** A JSON payload with constraints. */
    public static final class CheckedOrder {
        @jakarta.validation.constraints.NotBlank
        public String item;
        @jakarta.validation.constraints.Min(1)
        public int count;
    }

    /** A handler whose payload is validated. */
    public static final class Checked {
        @MessageMapping("/checked")
        @SendTo("/topic/checked")
        public String order(@jakarta.validation.Valid CheckedOrder order) {
            return order.item + "x" + order.count;
        }
    }

    /** A handler only some roles may call. */
    public static final class Admin2 {
        @MessageMapping("/reset")
        @SendTo("/topic/reset")
        @jakarta.annotation.security.RolesAllowed({"admin", "ops"})
        public String reset() {
            return "reset";
        }
    }

    /** What a handler answers with, as JSON. */
    public record Receipt(String item, int total) {
    }

    /** Handlers of every kind the router supports. */
    public static final class Shop {
        @MessageMapping("/shop/{store}/order")
        @SendTo("/topic/{store}.orders")
        public String order(@DestinationVariable("store") String store, Order order, @Header("x-trace") String trace) {
            return store + ":" + order.item + "x" + order.count + ":" + trace;
        }

        @MessageMapping("/shop/{store}/receipt")
        @SendToUser(value = "/queue/receipts", broadcast = false)
        public Receipt receipt(Order order, @Header(value = "x-discount", required = false) Integer discount) {
            return new Receipt(order.item, order.count * 10 - (discount == null ? 0 : discount));
        }

        @MessageMapping("/shop/main/order")
        @SendTo("/topic/main")
        public String mainStore(String body) {
            return "main got " + body;
        }

        @MessageMapping("/whoami")
        @SendToUser("/queue/me")
        public String whoami(Principal principal, MessagingSession session, String body) {
            return (principal == null ? "anonymous" : principal.getName()) + "@" + session.id() + ":" + body;
        }

        @MessageMapping("/plain")
        public String plain(byte[] body) {
            return new String(body, StandardCharsets.UTF_8).toUpperCase();
        }

        @MessageMapping("/prices/**")
        @SendTo("/topic/prices")
        public String anyPrice(String body) {
            return "price " + body;
        }

        @MessageMapping("/slow")
        @SendTo("/topic/slow")
        public CompletableFuture<String> slow(String body) {
            return pending;
        }

        @SubscribeMapping("/catalog/{store}")
        public List<String> catalog(@DestinationVariable("store") String store) {
            return List.of(store + "-bread", store + "-milk");
        }

        @MessageMapping("/refuse")
        public void refuse() {
            throw new MessagingException("not today");
        }

        @MessageMapping("/broken")
        public void broken() {
            throw new IllegalStateException("a bug with internals: dev.switchboard.Secret");
        }

        @MessageMapping("/out-of-stock")
        public void outOfStock() {
            throw new OutOfStock();
        }

        @MessageExceptionHandler
        @SendToUser("/queue/shop-errors")
        public String onOutOfStock(OutOfStock e, MessagingSession session) {
            return "sorry " + session.userName() + ", out of stock";
        }

        @MessageExceptionHandler(IllegalArgumentException.class)
        public Map<String, String> onBadArgument(IllegalArgumentException e) {
            return Map.of("problem", "bad argument");
        }

        @MessageMapping("/bad-argument")
        public void badArgument() {
            throw new NumberFormatException("a subclass of IllegalArgumentException");
        }

        static volatile CompletableFuture<String> pending = new CompletableFuture<>();
    }

    /** An exception a handler of the shop answers itself. */
    public static final class OutOfStock extends RuntimeException {
    }

    /** Handlers with a class-level prefix and no exception handler of their own. */
    @MessageController
    @MessageMapping("/admin")
    public static final class Admin {
        @MessageMapping("/reset")
        public void reset() {
            throw new UnsupportedOperationException("no");
        }
    }

    /** Exception handlers for every handler class: a class with nothing but those. */
    @MessageController
    public static final class Advice {
        @MessageExceptionHandler(UnsupportedOperationException.class)
        @SendToUser(value = "/queue/advice", broadcast = false)
        public String unsupported(UnsupportedOperationException e) {
            return "advice: " + e.getMessage();
        }
    }

    private final List<String> heard = new CopyOnWriteArrayList<>();

    /** A session of {@code user} that records what reaches {@code destination}. */
    private void listen(String destination, String user, String sessionId) throws Exception {
        Subscriber s = new Subscriber() {
            @Override
            public String sessionId() {
                return sessionId;
            }

            @Override
            public boolean deliver(Subscription subscription, Message message, boolean redelivered) {
                heard.add(sessionId + " " + message.destination() + " " + message.contentType() + " "
                        + new String(message.body(), StandardCharsets.UTF_8));
                return true;
            }
        };
        broker.subscribe(s, user, "1", destination, AckMode.AUTO, null);
    }

    private void listen(String destination) throws Exception {
        listen(destination, "alice", "s-1");
    }

    private record Session(String id, Principal principal, String userName, Map<String, Object> attributes)
            implements MessagingSession {
        @Override
        public String remoteAddress() {
            return "127.0.0.1";
        }

        @Override
        public java.util.Set<String> roles() {
            return principal instanceof dev.switchboard.security.TokenPrincipal t ? t.roles() : java.util.Set.of();
        }

        @Override
        public Map<String, Object> claims() {
            return Map.of();
        }
    }

    private static Session alice(String sessionId) {
        return new Session(sessionId, () -> "alice", "alice", new ConcurrentHashMap<>());
    }

    private static ApplicationRouter.Request request(String destination, String body, MessagingSession session,
                                                     String... headers) {
        Map<String, String> h = new HashMap<>(Map.of("x-trace", "t1"));
        for (int i = 0; i < headers.length; i += 2) {
            h.put(headers[i], headers[i + 1]);
        }
        return new ApplicationRouter.Request(destination, h, body.getBytes(StandardCharsets.UTF_8), session);
    }

    private static ApplicationRouter.Request request(String destination, String body) {
        return request(destination, body, alice("s-1"));
    }

    @Test
    void variablesJsonPayloadsAndHeadersReachTheHandlerAndItsReplyGoesWhereSendToSays() throws Exception {
        router.register(new Shop());
        listen("/topic/paris.orders");
        router.dispatch(request("/app/shop/paris/order", "{\"item\":\"bread\",\"count\":2}"));
        assertEquals(List.of("s-1 /topic/paris.orders text/plain;charset=UTF-8 paris:breadx2:t1"), heard);
    }

    @Test
    void aLiteralMappingWinsOverAVariableOneAndDoubleStarTakesTheRest() throws Exception {
        router.register(new Shop());
        listen("/topic/main");
        listen("/topic/prices");
        router.dispatch(request("/app/shop/main/order", "x"));
        router.dispatch(request("/app/prices/eu/bread", "3"));
        router.dispatch(request("/app/prices", "4"));
        assertEquals(List.of("s-1 /topic/main text/plain;charset=UTF-8 main got x",
                "s-1 /topic/prices text/plain;charset=UTF-8 price 3",
                "s-1 /topic/prices text/plain;charset=UTF-8 price 4"), heard);
    }

    @Test
    void aReplyToTheUserReachesThatUsersQueueOnly() throws Exception {
        router.register(new Shop());
        listen("/user/queue/me");
        router.dispatch(request("/app/whoami", "hi"));
        assertEquals(List.of("s-1 /user/queue/me text/plain;charset=UTF-8 alice@s-1:hi"), heard);
        router.dispatch(request("/app/whoami", "hi", new Session("s-9", () -> "bob", "bob", Map.of())));
        assertEquals(1, heard.size(), "bob's reply is not alice's");
    }

    @Test
    void aReplyToTheSendingSessionOnlyIsJsonAndSkipsTheUsersOtherSessions() throws Exception {
        router.register(new Shop());
        listen("/user/queue/receipts", "alice", "s-1");
        listen("/user/queue/receipts", "alice", "s-2");
        router.dispatch(request("/app/shop/paris/receipt", "{\"item\":\"jam\",\"count\":3}", alice("s-2"),
                "x-discount", "5"));
        assertEquals(List.of("s-2 /user/queue/receipts application/json {\"item\":\"jam\",\"total\":25}"), heard);
    }

    @Test
    void withoutSendToTheReplyGoesToTheSameTopic() throws Exception {
        router.register(new Shop());
        listen("/topic/plain");
        router.dispatch(request("/app/plain", "shout"));
        assertEquals(List.of("s-1 /topic/plain text/plain;charset=UTF-8 SHOUT"), heard);
    }

    @Test
    void aSubscribeMappingAnswersTheSubscriberOnceAndDirectly() {
        router.register(new Shop());
        List<Message> replies = new CopyOnWriteArrayList<>();
        router.subscribe(request("/app/catalog/paris", ""), replies::add);
        assertEquals(1, replies.size());
        assertEquals("[\"paris-bread\",\"paris-milk\"]", new String(replies.get(0).body(), StandardCharsets.UTF_8));
        assertEquals("/app/catalog/paris", replies.get(0).destination());
    }

    @Test
    void aCompletionStageIsAnsweredWhenItCompletesAndItsFailureGoesToTheErrors() throws Exception {
        router.register(new Shop());
        listen("/topic/slow");
        listen("/user/queue/errors");
        Shop.pending = new CompletableFuture<>();
        router.dispatch(request("/app/slow", "x"));
        assertEquals(List.of(), heard, "nothing before the result is there");
        Shop.pending.complete("done later");
        assertEquals(List.of("s-1 /topic/slow text/plain;charset=UTF-8 done later"), heard);

        heard.clear();
        Shop.pending = new CompletableFuture<>();
        router.dispatch(request("/app/slow", "x"));
        Shop.pending.completeExceptionally(new MessagingException("gave up"));
        assertEquals(1, heard.size(), heard.toString());
        assertTrue(heard.get(0).contains("/user/queue/errors") && heard.get(0).contains("gave up"), heard.get(0));
    }

    @Test
    void mistakesAreAnsweredOnTheSendersErrorDestinationAndNothingIsPublished() throws Exception {
        router.register(new Shop());
        listen("/topic/paris.orders");
        listen("/user/queue/errors", "alice", "s-1");
        listen("/user/queue/errors", "alice", "s-2");
        router.dispatch(request("/app/shop/paris/order", "not json"));
        router.dispatch(request("/app/shop/paris/order", "{\"item\":\"x\",\"count\":1}", alice("s-1"),
                "content-type", "text/plain"));
        router.dispatch(request("/app/refuse", ""));
        router.dispatch(request("/app/broken", ""));
        router.dispatch(request("/app/nowhere", ""));
        router.dispatch(request("/app/shop/paris/receipt", "{\"item\":\"x\",\"count\":1}", alice("s-1"),
                "x-discount", "lots"));
        List<String> errors = heard.stream().map(h -> h.substring(h.indexOf(' ') + 1)).toList();
        assertEquals(6, heard.size(), heard.toString());
        assertTrue(heard.stream().allMatch(h -> h.startsWith("s-1 /user/queue/errors application/json")),
                "each goes to the session that sent it, no other: " + heard);
        assertTrue(errors.get(0).contains("is not the JSON this destination takes"), errors.get(0));
        assertTrue(errors.get(1).contains("must be JSON"), errors.get(1));
        assertTrue(errors.get(2).contains("not today"), errors.get(2));
        assertTrue(errors.get(3).contains("the handler for /app/broken failed"), errors.get(3));
        assertTrue(errors.get(4).contains("no application handler for /app/nowhere"), errors.get(4));
        assertTrue(errors.get(5).contains("header x-discount must be a Integer"), errors.get(5));
        for (String e : errors) {
            assertTrue(!e.contains("Order") && !e.contains("dev.switchboard") && !e.contains("Exception"),
                    "no Java type or internals in what the client is told: " + e);
        }
        assertEquals(6, router.counters().errorsSent.sum());
        assertEquals(1, router.counters().handlerFailures.sum());
    }

    @Test
    void theClosestExceptionHandlerOfTheClassAnswersElseAnAdviceClassElseTheErrors() throws Exception {
        router.register(new Shop());
        router.register(new Admin());
        router.register(new Advice());
        listen("/user/queue/shop-errors");
        listen("/user/queue/errors");
        listen("/user/queue/advice");
        router.dispatch(request("/app/out-of-stock", ""));
        router.dispatch(request("/app/bad-argument", ""));
        router.dispatch(request("/app/admin/reset", ""));
        assertEquals(List.of("s-1 /user/queue/shop-errors text/plain;charset=UTF-8 sorry alice, out of stock",
                "s-1 /user/queue/errors application/json {\"problem\":\"bad argument\"}",
                "s-1 /user/queue/advice text/plain;charset=UTF-8 advice: no"), heard);
        assertEquals(3, router.counters().exceptionsHandled.sum());
        assertEquals(0, router.counters().errorsSent.sum());
    }

    @Test
    void mistakesInAHandlerClassAreRefusedAtRegistration() {
        assertThrows(IllegalArgumentException.class, () -> router.register(new Object()));
        assertThrows(IllegalArgumentException.class, () -> router.register(new Object() {
            @MessageMapping("/a/{room}")
            public void talk(@DestinationVariable("rom") String room) {
            }
        }));
        router.register(new Shop());
        assertThrows(IllegalArgumentException.class, () -> router.register(new Shop()), "two handlers for one destination");
    }

    @Test
    void templatesMatchInOnePassWhateverTheClientSends() {
        DestinationTemplate t = DestinationTemplate.of("/a/*/{b}/**");
        assertEquals(Map.of("b", "y"), t.match("/a/x/y/z/w"));
        assertEquals(Map.of("b", "y"), t.match("/a/x/y"));
        assertEquals(null, t.match("/a/x"));
        assertEquals(null, t.match("/a//y"));
        assertThrows(IllegalArgumentException.class, () -> DestinationTemplate.of("/a/**/b"));
        assertThrows(IllegalArgumentException.class, () -> DestinationTemplate.of("/a/x*"));
        String hostile = "/a" + "/x".repeat(100_000);
        long start = System.nanoTime();
        DestinationTemplate.of("/a/*/*/*/{v}/**").match(hostile);
        assertTrue(System.nanoTime() - start < 5_000_000_000L, "linear, not exponential");
    }

    @Test
    void aValidPayloadIsCheckedAndAnInvalidOneIsAnsweredLikeAConversionError() throws Exception {
        router.register(new Checked());
        listen("/topic/checked");
        listen("/user/queue/errors");
        router.dispatch(request("/app/checked", "{\"item\":\"tea\",\"count\":2}"));
        router.dispatch(request("/app/checked", "{\"item\":\" \",\"count\":0}"));
        assertEquals(2, heard.size(), heard.toString());
        assertEquals("s-1 /topic/checked text/plain;charset=UTF-8 teax2", heard.get(0));
        assertTrue(heard.get(1).contains("/user/queue/errors") && heard.get(1).contains("is not valid: ")
                && heard.get(1).contains("count must be greater than or equal to 1")
                && heard.get(1).contains("item must not be blank"), heard.get(1));
    }

    @Test
    void rolesAllowedLetsOnlyThoseRolesThroughAndTellsTheOthers() throws Exception {
        router.register(new Admin2());
        listen("/topic/reset");
        listen("/user/queue/errors");
        Principal ops = new dev.switchboard.security.TokenPrincipal("alice", java.util.Set.of("ops"), Map.of(),
                java.time.Instant.MAX);
        router.dispatch(request("/app/reset", "", new Session("s-1", () -> "alice", "alice", new ConcurrentHashMap<>())));
        router.dispatch(request("/app/reset", "", new Session("s-1", ops, "alice", new ConcurrentHashMap<>())));
        assertEquals(2, heard.size(), heard.toString());
        assertTrue(heard.get(0).contains("/user/queue/errors") && heard.get(0).contains("needs one of the roles [admin, ops]"),
                heard.get(0));
        assertEquals("s-1 /topic/reset text/plain;charset=UTF-8 reset", heard.get(1));
        assertEquals(1, router.counters().forbidden.sum());
    }
}
