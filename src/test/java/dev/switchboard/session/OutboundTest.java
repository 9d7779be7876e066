package dev.switchboard.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The outbound pipeline at its edges, through sinks that behave as transports do: one that
 * completes at once, one whose writes stay in flight until released (a reader that makes no
 * room), one that completes on another thread.
 */
class OutboundTest {

    private final MemoryBudget budget = new MemoryBudget(new MemoryBudget.Limits(1 << 30, 1 << 30, 1 << 20, 100));
    private final MemoryBudget.Account account = budget.open("127.0.0.1");
    private final List<Throwable> failures = new CopyOnWriteArrayList<>();
    private final ExecutorService completer = Executors.newSingleThreadExecutor();

    @AfterEach
    void stop() {
        completer.shutdownNow();
    }

    /** A sink recording what it was asked to write: the batches' text, and how each write ends. */
    private static class Sink implements OutboundSink {
        final List<Batch> batches = new CopyOnWriteArrayList<>();
        final LinkedBlockingQueue<Done> held = new LinkedBlockingQueue<>();
        final AtomicInteger writing = new AtomicInteger();
        final AtomicInteger overlapped = new AtomicInteger();
        volatile boolean hold;
        volatile boolean endEachResponse;
        volatile Thread lastThread;

        @Override
        public void write(Batch batch, boolean onWriter, Done done) {
            if (writing.incrementAndGet() > 1) {
                overlapped.incrementAndGet();
            }
            batches.add(batch);
            lastThread = Thread.currentThread();
            writing.decrementAndGet();
            if (hold) {
                held.add(done);
            } else {
                done.written(endEachResponse);
            }
        }

        /** Completes the oldest write held. */
        void release() throws InterruptedException {
            Done done = held.poll(5, TimeUnit.SECONDS);
            assertNotNull(done, "a write was in flight");
            done.written(endEachResponse);
        }

        List<String> texts() {
            List<String> out = new ArrayList<>();
            for (Batch b : batches) {
                out.add(switch (b.kind()) {
                    case TEXT -> b.joinedText();
                    case CONTROL -> "<" + b.controlText() + ">";
                    case BINARY -> "bin:" + StandardCharsets.UTF_8.decode(b.joinedBinary());
                    case PROBE -> "<probe>";
                });
            }
            return out;
        }
    }

    private Outbound pipeline(OutboundSink sink, long max, int coalesceMax) {
        return new Outbound(sink, max, Duration.ofSeconds(10), coalesceMax, account, failures::add);
    }

    private static Outgoing text(String s) {
        return new Outgoing.Text(s);
    }

    @Test
    void aLoneMessageLeavesAtOnceOnTheCallingThread() {
        Sink sink = new Sink();
        Outbound out = pipeline(sink, 1000, 100);
        assertEquals(Outbound.Offer.QUEUED, out.offer(text("hello")));
        assertEquals(List.of("hello"), sink.texts());
        assertSame(Thread.currentThread(), sink.lastThread);
    }

    @Test
    void whatPilesUpBehindAWriteLeavesInOneWriteOfOneKindAndBounded() throws Exception {
        Sink sink = new Sink();
        sink.hold = true;
        Outbound out = pipeline(sink, 10_000, 8);
        out.offer(text("a"));                       // in flight
        out.offer(text("bb"));
        out.offer(Outgoing.TextParts.of("c", "c"));
        out.offer(text("dddd"));                    // 2 + 2 + 4 = 8: still joined
        out.offer(text("e"));                       // past the 8: next write
        out.offer(new Outgoing.Control("h"));       // alone
        out.offer(new Outgoing.Binary(ByteBuffer.wrap("x".getBytes(StandardCharsets.UTF_8))));
        out.offer(Outgoing.BinaryParts.of("y".getBytes(StandardCharsets.UTF_8), "z".getBytes(StandardCharsets.UTF_8)));
        for (int i = 0; i < 5; i++) {
            sink.release();
        }
        assertEquals(List.of("a", "bbccdddd", "e", "<h>", "bin:xyz"), sink.texts());
        assertEquals(0, sink.overlapped.get());
    }

    @Test
    void withoutCoalescingEveryMessageLeavesAlone() throws Exception {
        Sink sink = new Sink();
        sink.hold = true;
        Outbound out = pipeline(sink, 10_000, 0);
        out.offer(text("a"));
        out.offer(text("b"));
        out.offer(text("c"));
        for (int i = 0; i < 3; i++) {
            sink.release();
        }
        assertEquals(List.of("a", "b", "c"), sink.texts());
    }

    @Test
    void aReaderThatFallsBehindIsCutAndItsOwnerMayStillSayGoodbye() throws Exception {
        Sink sink = new Sink();
        sink.hold = true;
        Outbound out = pipeline(sink, 10, 100);
        assertEquals(Outbound.Offer.QUEUED, out.offer(text("0123456789ABCDEF")), "a lone item larger than the limit goes");
        assertEquals(Outbound.Offer.OVERFLOW, out.offer(text("x")));
        assertEquals(Outbound.Offer.CLOSED, out.offer(text("y")), "cut: nothing more is taken");
        AtomicInteger closed = new AtomicInteger();
        out.close(new Outgoing.Control("bye"), true, closed::incrementAndGet);
        assertEquals(0, closed.get(), "the write in flight is not done yet");
        sink.release();                            // the big one
        sink.release();                            // the goodbye
        assertEquals(List.of("0123456789ABCDEF", "<bye>"), sink.texts());
        assertTrue(sink.batches.get(1).last(), "the goodbye is marked last");
        assertEquals(1, closed.get());
        assertTrue(failures.isEmpty());
    }

    @Test
    void aWriteStuckPastTheStallLimitCutsTheReaderOnTheNextOffer() throws Exception {
        Sink sink = new Sink();
        sink.hold = true;
        Outbound out = new Outbound(sink, 1 << 20, Duration.ofMillis(20), 100, account, failures::add);
        out.offer(text("stuck"));
        out.offer(text("waiting"));
        assertFalse(out.cutIfStalled(System.nanoTime()), "not stuck yet");
        long stuckSince = System.nanoTime();
        while (System.nanoTime() - stuckSince < TimeUnit.MILLISECONDS.toNanos(25)) {
            Thread.onSpinWait();
        }
        assertEquals(Outbound.Offer.OVERFLOW, out.offer(text("more")));
        assertFalse(out.isOpen());
    }

    @Test
    void aFailedWriteClosesThePipelineAndTellsTheOwnerOnce() {
        AtomicInteger closed = new AtomicInteger();
        OutboundSink broken = (batch, onWriter, done) -> done.failed(new IOException("peer gone"));
        Outbound second = pipeline(broken, 1000, 100);
        second.offer(text("a"));
        second.close(null, false, closed::incrementAndGet);
        assertEquals(Outbound.Offer.CLOSED, second.offer(text("b")));
        assertEquals(1, failures.size());
        assertEquals("peer gone", failures.get(0).getMessage());
        assertEquals(1, closed.get(), "a close action given after the failure runs at once");
    }

    @Test
    void closingWritesWhatWaitsThenTheLastItemThenRunsTheAction() throws Exception {
        Sink sink = new Sink();
        sink.hold = true;
        Outbound out = pipeline(sink, 1000, 0);
        AtomicInteger closed = new AtomicInteger();
        out.offer(text("1"));
        out.offer(text("2"));
        out.close(new Outgoing.Control("end"), false, closed::incrementAndGet);
        assertEquals(Outbound.Offer.CLOSED, out.offer(text("3")));
        sink.release();
        sink.release();
        assertEquals(0, closed.get());
        sink.release();
        assertEquals(List.of("1", "2", "<end>"), sink.texts());
        assertEquals(1, closed.get());
    }

    @Test
    void abortDropsWhatWaitsAndRunsTheActionAtOnce() throws Exception {
        Sink sink = new Sink();
        sink.hold = true;
        Outbound out = pipeline(sink, 1000, 0);
        AtomicInteger closed = new AtomicInteger();
        out.offer(text("1"));
        out.offer(text("2"));
        out.close(null, false, closed::incrementAndGet);
        out.abort();
        assertEquals(1, closed.get());
        sink.release(); // the write in flight completes unobserved
        assertEquals(List.of("1"), sink.texts());
        out.abort();
        assertEquals(1, closed.get(), "once");
    }

    @Test
    void aDetachedPipelineKeepsItsItemsForTheNextSink() throws Exception {
        Outbound out = pipeline(null, 1000, 100);
        out.offer(new Outgoing.Control("o"));
        out.offer(text("a"));
        out.offer(text("b"));
        assertTrue(out.detachedSince() != 0);
        Sink poll = new Sink();
        poll.endEachResponse = true;           // a polling request: one frame, then its response ends
        assertEquals(Outbound.Attach.ATTACHED, out.attach(poll, null));
        assertEquals(List.of("<o>"), poll.texts());
        assertNull(out.attached());
        Sink stream = new Sink();
        stream.hold = true;
        assertEquals(Outbound.Attach.ATTACHED, out.attach(stream, null));
        assertEquals(Outbound.Attach.TAKEN, out.attach(new Sink(), null));
        assertEquals(0, out.detachedSince());
        stream.release();
        out.offer(text("c"));
        assertEquals(List.of("ab", "c"), stream.texts());
        stream.release();
        out.close(new Outgoing.Control("c[3000]"), false, null);
        stream.release();
        assertTrue(stream.batches.get(2).last());
        assertEquals(Outbound.Attach.CLOSED, out.attach(new Sink(), null));
    }

    @Test
    void closingWithoutWhatWaitsDropsTheMessagesButNotTheControlFrames() {
        Outbound out = pipeline(null, 1000, 100);
        out.offer(new Outgoing.Control("o"));
        out.offer(text("dropped"));
        out.close(new Outgoing.Control("c"), true, null);
        Sink stream = new Sink();
        out.attach(stream, null);
        assertEquals(List.of("<o>", "<c>"), stream.texts());
        assertTrue(stream.batches.get(1).last());
    }

    @Test
    void aSinkThatBreaksWhileIdleFailsThePipelineOnlyWhenAttached() {
        Outbound out = pipeline(null, 1000, 100);
        Sink gone = new Sink();
        assertFalse(out.sinkFailed(gone, new IOException("not attached")));
        out.attach(gone, null);
        assertTrue(out.sinkFailed(gone, new IOException("client went away")));
        assertEquals(1, failures.size());
        assertEquals(Outbound.Offer.CLOSED, out.offer(text("x")));
    }

    @Test
    void heartbeatsGoOnlyToAnAttachedIdleSinkAfterTheInterval() {
        Sink sink = new Sink();
        Outbound out = pipeline(sink, 1000, 100);
        long now = System.nanoTime();
        long interval = TimeUnit.SECONDS.toNanos(25);
        assertFalse(out.heartbeat(new Outgoing.Control("h"), now, interval, null));
        assertTrue(out.heartbeat(new Outgoing.Control("h"), now + interval, interval, null));
        assertFalse(out.heartbeat(new Outgoing.Control("h"), now + interval + 1, interval, null), "just beat");
        Outbound detached = pipeline(null, 1000, 100);
        assertFalse(detached.heartbeat(new Outgoing.Control("h"), now + interval, interval, null));
        assertEquals(List.of("<h>"), sink.texts());
    }

    @Test
    void aBacklogPastTheFreeShareIsChargedToTheAccountAndGivenBack() throws Exception {
        Sink sink = new Sink();
        sink.hold = true;
        Outbound out = pipeline(sink, 1 << 20, 1 << 20);
        String chunk = "x".repeat(10_000);
        for (int i = 0; i < 20; i++) {
            assertEquals(Outbound.Offer.QUEUED, out.offer(text(chunk)));
        }
        assertTrue(account.used() >= 200_000 - OutboundGrant.FREE, "charged: " + account.used());
        sink.release();
        sink.release();
        assertEquals(0, account.used(), "all written");
    }

    @Test
    void aRefusedChargeCutsTheReader() throws Exception {
        MemoryBudget small = new MemoryBudget(new MemoryBudget.Limits(1 << 30, 1 << 30, 100_000, 100));
        Sink sink = new Sink();
        sink.hold = true;
        Outbound out = new Outbound(sink, 1 << 30, Duration.ofSeconds(10), 0, small.open("127.0.0.2"), failures::add);
        String chunk = "x".repeat(40_000);
        Outbound.Offer last = Outbound.Offer.QUEUED;
        for (int i = 0; i < 10 && last == Outbound.Offer.QUEUED; i++) {
            last = out.offer(text(chunk));
        }
        assertEquals(Outbound.Offer.OVERFLOW, last);
    }

    @Test
    void manyThreadsOfferingWhileWritesCompleteElsewhereLoseNothingAndKeepEachThreadsOrder() throws Exception {
        int threads = 8;
        int each = 5_000;
        ConcurrentLinkedQueue<String> received = new ConcurrentLinkedQueue<>();
        AtomicInteger overlapped = new AtomicInteger();
        AtomicInteger writing = new AtomicInteger();
        AtomicInteger turn = new AtomicInteger();
        OutboundSink sink = (batch, onWriter, done) -> {
            if (writing.incrementAndGet() > 1) {
                overlapped.incrementAndGet();
            }
            for (int i = 0; i < batch.count(); i++) {
                StringBuilder one = new StringBuilder();
                batch.appendText(i, one);
                received.add(one.toString());
            }
            writing.decrementAndGet();
            if (turn.incrementAndGet() % 3 == 0) {
                done.written(false);                             // at once, on the writing thread
            } else {
                completer.execute(() -> done.written(false));    // later, on another thread
            }
        };
        Outbound out = pipeline(sink, Long.MAX_VALUE, 4096);
        ExecutorService writers = Executors.newFixedThreadPool(2);
        ExecutorService offerers = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        AtomicReference<Outbound.Offer> refused = new AtomicReference<>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            offerers.execute(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < each; i++) {
                    Outbound.Offer r = out.offer(Outgoing.TextParts.of(id + ":", String.valueOf(i)), i % 2 == 0 ? writers : null);
                    if (r != Outbound.Offer.QUEUED) {
                        refused.set(r);
                    }
                }
            });
        }
        start.countDown();
        offerers.shutdown();
        assertTrue(offerers.awaitTermination(30, TimeUnit.SECONDS));
        dev.switchboard.testing.Await.until("every item written", Duration.ofSeconds(30),
                () -> received.size() >= threads * each);
        writers.shutdown();
        assertNull(refused.get());
        assertEquals(threads * each, received.size(), "every item written once");
        assertEquals(0, overlapped.get(), "one write at a time");
        int[] next = new int[threads];
        for (String item : received) {
            int colon = item.indexOf(':');
            int id = Integer.parseInt(item.substring(0, colon));
            assertEquals(next[id]++, Integer.parseInt(item.substring(colon + 1)), "thread " + id + "'s order");
        }
        assertEquals(0, account.used());
    }
}
