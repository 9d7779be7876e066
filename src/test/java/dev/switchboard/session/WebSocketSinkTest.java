package dev.switchboard.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.SendHandler;
import jakarta.websocket.SendResult;
import jakarta.websocket.Session;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * When a WebSocket connection's writes are direct (blocking) sends and when asynchronous: a slow
 * blocking send ends them, quick asynchronous writes in a row bring them back, a little later each
 * time, and after {@link WebSocketSink#MAX_ENDINGS} endings never. The container here is a stand-in
 * whose sends take as long as the test says (the real one cannot be made slow on cue);
 * {@code StompLimitsIT} shows the same with Tomcat and a reader that stops and reads again.
 */
class WebSocketSinkTest {

    private static final long SLOW_NANOS = WebSocketSink.DIRECT_WRITE_MAX_NANOS + TimeUnit.MILLISECONDS.toNanos(1);

    /** What the stand-in container was asked to do, and how long its next sends take. */
    private final List<String> sends = new ArrayList<>();
    private volatile boolean slow;
    private final AtomicInteger ended = new AtomicInteger();
    private final AtomicInteger resumed = new AtomicInteger();
    private final AtomicInteger written = new AtomicInteger();

    private final WebSocketSink sink = new WebSocketSink(async(), basic(), new WebSocketSink.DirectWrites() {
        @Override
        public void ended() {
            ended.incrementAndGet();
        }

        @Override
        public void resumed() {
            resumed.incrementAndGet();
        }
    }, TextFraming.JOINED);

    private void take() {
        if (slow) {
            long until = System.nanoTime() + SLOW_NANOS;
            while (System.nanoTime() < until) {
                LockSupport.parkNanos(until - System.nanoTime());
            }
        }
    }

    private RemoteEndpoint.Basic basic() {
        return (RemoteEndpoint.Basic) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {RemoteEndpoint.Basic.class}, (proxy, method, args) -> {
                    if (!method.getName().equals("sendText")) {
                        throw new UnsupportedOperationException(method.getName());
                    }
                    take();
                    sends.add("blocking");
                    return null;
                });
    }

    private RemoteEndpoint.Async async() {
        return (RemoteEndpoint.Async) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {RemoteEndpoint.Async.class}, (proxy, method, args) -> {
                    if (!method.getName().equals("sendText") || args.length != 2) {
                        throw new UnsupportedOperationException(method.getName());
                    }
                    take();
                    sends.add("async");
                    ((SendHandler) args[1]).onResult(new SendResult((Session) null));
                    return null;
                });
    }

    private String write(boolean onWriter) {
        int before = sends.size();
        Outgoing[] items = {new Outgoing.Text("MESSAGE\n\n\0")};
        sink.write(new Batch(Outgoing.Kind.TEXT, items, 1, items[0].size(), false), onWriter,
                new OutboundSink.Done() {
                    @Override
                    public void written(boolean endOfResponse) {
                        written.incrementAndGet();
                    }

                    @Override
                    public void failed(Throwable cause) {
                        throw new AssertionError("a write failed", cause);
                    }
                });
        assertEquals(before + 1, sends.size());
        return sends.get(before);
    }

    /** Ends direct writes with one slow blocking send. */
    private void endDirect() {
        assertTrue(sink.direct());
        slow = true;
        assertEquals("blocking", write(true));
        slow = false;
        assertFalse(sink.direct());
    }

    /** Quick asynchronous writes until direct writes come back; how many it took. */
    private int quickWritesToResume(int atMost) {
        for (int i = 1; i <= atMost; i++) {
            assertEquals("async", write(true));
            if (sink.direct()) {
                return i;
            }
        }
        return -1;
    }

    @Test
    void aSlowBlockingSendEndsDirectWritesAndQuickAsynchronousOnesBringThemBack() {
        assertEquals("blocking", write(true));
        assertEquals("async", write(false), "off a writer thread a write never blocks");
        endDirect();
        assertEquals(1, ended.get());
        assertEquals(WebSocketSink.RESUME_AFTER, quickWritesToResume(1000));
        assertEquals(1, resumed.get());
        assertEquals("blocking", write(true));
        assertEquals(sends.size(), written.get(), "every write told the pipeline once");
    }

    @Test
    void aSlowAsynchronousWriteStartsTheCountAgain() {
        endDirect();
        for (int i = 0; i < WebSocketSink.RESUME_AFTER - 1; i++) {
            assertEquals("async", write(true));
        }
        slow = true;
        assertEquals("async", write(true));
        slow = false;
        assertFalse(sink.direct(), "the reader was slow again: not yet");
        assertEquals(WebSocketSink.RESUME_AFTER, quickWritesToResume(1000));
    }

    @Test
    void eachEndingAsksForTwiceAsManyAndTheLastOneIsForGood() {
        for (int ending = 1; ending < WebSocketSink.MAX_ENDINGS; ending++) {
            endDirect();
            assertEquals(WebSocketSink.RESUME_AFTER << (ending - 1), quickWritesToResume(100_000), "ending " + ending);
        }
        endDirect();
        assertEquals(-1, quickWritesToResume(10_000), "after the last ending writes stay asynchronous");
        assertEquals(WebSocketSink.MAX_ENDINGS, ended.get());
        assertEquals(WebSocketSink.MAX_ENDINGS - 1, resumed.get());
    }
}
