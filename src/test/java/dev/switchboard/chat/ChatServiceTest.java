package dev.switchboard.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.broker.AckMode;
import dev.switchboard.broker.Broker;
import dev.switchboard.broker.Message;
import dev.switchboard.broker.Subscriber;
import dev.switchboard.broker.Subscription;
import dev.switchboard.session.MemoryBudget;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Chat rooms on a real broker: a room's messages are published outside its lock, in history
 * order, and a joiner hears every message once, its history first, however joins and talk
 * interleave.
 */
class ChatServiceTest {

    private static final AtomicInteger IDS = new AtomicInteger();
    private final Jsonb jsonb = JsonbBuilder.create();
    private final ExecutorService threads = Executors.newCachedThreadPool();

    /** A session that keeps what it is handed, as chat messages. */
    private class Member implements Subscriber {
        final String id = "s" + IDS.incrementAndGet();
        final List<ChatMessage> got = Collections.synchronizedList(new ArrayList<>());

        @Override
        public String sessionId() {
            return id;
        }

        @Override
        public boolean deliver(Subscription subscription, Message message, boolean redelivered) {
            got.add(jsonb.fromJson(new String(message.body(), StandardCharsets.UTF_8), ChatMessage.class));
            return true;
        }

        List<String> talk() {
            synchronized (got) {
                return got.stream().filter(m -> m.type == ChatMessage.Type.TALK).map(m -> m.id).toList();
            }
        }
    }

    private static ChatService chat(Broker broker, int historySize, int roomsMax) {
        return new ChatService(broker, MemoryBudget.unlimited(), JsonbBuilder.create(), () -> "m" + IDS.incrementAndGet(),
                new ChatService.Limits(historySize, 1000, roomsMax, Integer.MAX_VALUE, Duration.ofMinutes(10)));
    }

    @AfterEach
    void stop() throws Exception {
        threads.shutdownNow();
        jsonb.close();
    }

    @Test
    void everyJoinerHearsEveryMessageOnceHistoryFirstWhileOthersTalkAndJoin() throws Exception {
        Broker broker = new Broker(10, 100);
        ChatService chat = chat(broker, 1_000_000, 10); // the history keeps everything: a joiner must end with all of it
        Member first = new Member();
        broker.subscribe(first, first.id, "0", "/topic/chat.lobby", AckMode.AUTO, null);
        List<Member> joiners = Collections.synchronizedList(new ArrayList<>());
        List<Future<?>> work = new ArrayList<>();
        CountDownLatch go = new CountDownLatch(1);
        for (int t = 0; t < 4; t++) {
            int talker = t;
            work.add(threads.submit(() -> {
                go.await();
                for (int i = 0; i < 500; i++) {
                    chat.talk("lobby", null, "talker" + talker, "t" + talker, "message " + i);
                }
                return null;
            }));
        }
        for (int j = 0; j < 4; j++) {
            work.add(threads.submit(() -> {
                go.await();
                for (int i = 0; i < 20; i++) {
                    Member m = new Member();
                    joiners.add(m);
                    broker.subscribe(m, m.id, "0", "/topic/chat.lobby", AckMode.AUTO, null);
                    Thread.yield();
                }
                return null;
            }));
        }
        go.countDown();
        for (Future<?> f : work) {
            f.get(60, TimeUnit.SECONDS);
        }
        List<String> all = first.talk();
        assertEquals(2000, all.size(), "the first member heard every message live");
        for (Member m : joiners) {
            List<String> heard = m.talk();
            int same = 0;
            while (same < Math.min(all.size(), heard.size()) && all.get(same).equals(heard.get(same))) {
                same++;
            }
            int at = same;
            assertTrue(same == all.size() && heard.size() == all.size(), () -> m.id + " heard " + heard.size() + " of the room's "
                    + all.size() + " messages; from the " + at + "th on it heard " + heard.subList(at, Math.min(heard.size(), at + 5))
                    + " where the room had " + all.subList(at, Math.min(all.size(), at + 5)));
            boolean live = false;
            for (ChatMessage c : List.copyOf(m.got)) {
                if (c.type == ChatMessage.Type.SYSTEM) {
                    live = true; // the welcome: history before it, live after it
                } else if (c.type == ChatMessage.Type.TALK) {
                    assertEquals(!live, Boolean.TRUE.equals(c.history), m.id + ": history only before the welcome");
                }
            }
        }
    }

    @Test
    void aMemberSlowToTakeAMessageHoldsUpNeitherTalkNorJoinsInItsRoom() throws Exception {
        Broker broker = new Broker(10, 100);
        ChatService chat = chat(broker, 50, 10);
        CountDownLatch taking = new CountDownLatch(1);
        CountDownLatch letGo = new CountDownLatch(1);
        Member slow = new Member() {
            @Override
            public boolean deliver(Subscription subscription, Message message, boolean redelivered) {
                super.deliver(subscription, message, redelivered);
                if (new String(message.body(), StandardCharsets.UTF_8).contains("\"first\"")) {
                    taking.countDown();
                    try {
                        letGo.await(); // a fan-out to many members stands still here, past the room's lock
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                return true;
            }
        };
        broker.subscribe(slow, slow.id, "0", "/topic/chat.lobby", AckMode.AUTO, null);
        Future<?> publisher = threads.submit(() -> {
            chat.talk("lobby", null, "alice", "a", "first");
            return null;
        });
        assertTrue(taking.await(10, TimeUnit.SECONDS));
        Member late = new Member();
        Future<?> more = threads.submit(() -> {
            chat.talk("lobby", null, "bob", "b", "second");
            broker.subscribe(late, late.id, "0", "/topic/chat.lobby", AckMode.AUTO, null);
            chat.talk("lobby", null, "bob", "b", "third");
            return null;
        });
        more.get(5, TimeUnit.SECONDS); // would wait for the slow member if publishing held the room's lock
        assertEquals(List.of(), late.talk(), "nothing reaches the joiner before the messages ahead of its welcome");
        letGo.countDown();
        publisher.get(10, TimeUnit.SECONDS);
        List<String> texts = slow.got.stream().filter(m -> m.type == ChatMessage.Type.TALK).map(m -> m.text).toList();
        assertEquals(List.of("first", "second", "third"), texts);
        List<ChatMessage> joined = List.copyOf(late.got);
        assertEquals(List.of("first", "second", "third"), joined.stream().filter(m -> m.type == ChatMessage.Type.TALK)
                .map(m -> m.text).toList(), "the joiner: two in its history, then the third live");
        assertEquals(List.of(true, true, false), joined.stream().filter(m -> m.type == ChatMessage.Type.TALK)
                .map(m -> Boolean.TRUE.equals(m.history)).toList());
    }

    @Test
    void aSubscriptionRefusedAsAMemberStillHearsTheTopic() throws Exception {
        Broker broker = new Broker(10, 100);
        ChatService chat = chat(broker, 50, 1);
        Member inA = new Member();
        broker.subscribe(inA, inA.id, "0", "/topic/chat.a", AckMode.AUTO, null);
        Member toB = new Member();
        broker.subscribe(toB, toB.id, "0", "/topic/chat.b", AckMode.AUTO, null);
        assertTrue(toB.got.get(0).text.contains("rooms, all in use"), toB.got.get(0).text);
        chat.talk("b", null, "carol", "c", "hello b");
        assertEquals(List.of("hello b"), toB.got.stream().filter(m -> m.type == ChatMessage.Type.TALK).map(m -> m.text)
                .toList(), "its hold was released");
    }
}
