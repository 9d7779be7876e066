package dev.switchboard.sockjs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.handshake.Admission;
import dev.switchboard.handshake.HandshakePolicy;
import dev.switchboard.handshake.OriginPolicy;
import dev.switchboard.security.RateLimit;
import dev.switchboard.session.Batch;
import dev.switchboard.session.Connection;
import dev.switchboard.session.ConnectionInfo;
import dev.switchboard.session.MemoryBudget;
import dev.switchboard.session.Outbound;
import dev.switchboard.session.OutboundSink;
import dev.switchboard.session.SessionEnvironment;
import dev.switchboard.session.SessionLimits;
import dev.switchboard.session.SessionRegistry;
import dev.switchboard.session.WriterPool;
import dev.switchboard.testing.Await;
import jakarta.websocket.CloseReason;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A SockJS session over the HTTP transports, without HTTP: receiving requests are sinks attached
 * and detached as polls and streams are, so what a session sends each of them is seen frame by
 * frame.
 */
class SockJsSessionTest {

    private final ScheduledThreadPoolExecutor background = new ScheduledThreadPoolExecutor(1);
    private final WriterPool writers = new WriterPool("test-writer", 1);
    private final SessionRegistry registry = new SessionRegistry();
    private final SessionEnvironment environment = new SessionEnvironment(
            new SessionLimits(8192, 8192, Duration.ofMinutes(5), Duration.ofSeconds(10), 1024, 65536), registry,
            background, writers, new MemoryBudget(new MemoryBudget.Limits(1 << 26, 1 << 26, 1 << 26, 100)));
    private final SockJsServer server = new SockJsServer(List.of(), new SockJsServer.Options(Duration.ofSeconds(25),
            Duration.ofSeconds(5), "/sockjs.js", Duration.ofDays(1)), new HandshakePolicy(OriginPolicy.sameOrigin(), List.of(), environment,
            new Admission.Limits(1000, 1000, RateLimit.NONE)));
    private final List<String> received = new CopyOnWriteArrayList<>();
    private final List<String> handlerEvents = new CopyOnWriteArrayList<>();
    private volatile Connection connection;

    private final SockJsService service = new SockJsService("test", new SockJsApplication() {
        @Override
        public SockJsHandler open(Connection c) {
            connection = c;
            return new SockJsHandler() {
                @Override
                public void onMessage(String message) {
                    received.add(message);
                }

                @Override
                public void onClose() {
                    handlerEvents.add("closed");
                }
            };
        }
    }, true, false, 4096, Set.of());

    @AfterEach
    void stop() {
        server.close();
        writers.close();
        background.shutdownNow();
    }

    /** One receiving request: the frames it was given, as SockJS would put them on the wire. */
    private static final class Request implements OutboundSink {
        final List<String> frames = new ArrayList<>();
        final boolean polling;

        Request(boolean polling) {
            this.polling = polling;
        }

        @Override
        public synchronized void write(Batch batch, boolean onWriter, Done done) {
            switch (batch.kind()) {
                case TEXT -> frames.add(SockJsFrames.messages(batch));
                case CONTROL -> frames.add(batch.controlText());
                default -> { }
            }
            done.written(polling || batch.last());
        }

        synchronized List<String> frames() {
            return List.copyOf(frames);
        }
    }

    private SockJsSession open() {
        SockJsSession session = new SockJsSession(server, service, "id-1",
                new ConnectionInfo("127.0.0.1", URI.create("http://127.0.0.1/sockjs/test/0/id-1/xhr"), Map.of(), Map.of(), null));
        session.start();
        return session;
    }

    private static List<String> await(Request request, int frames) {
        Await.until(frames + " frames (got " + request.frames() + ")", Duration.ofSeconds(5),
                () -> request.frames().size() >= frames);
        return request.frames();
    }

    @Test
    void theOpenFrameComesFirstAndWhatWaitedMeanwhileLeavesAsOneFrame() throws Exception {
        SockJsSession session = open();
        connection.sendText("a");
        connection.sendTextBatched("b", "\"c\"");
        Request first = new Request(true);
        assertEquals(Outbound.Attach.ATTACHED, session.attach(first));
        assertEquals(List.of("o"), await(first, 1), "a poll gets the open frame alone");
        Request second = new Request(true);
        session.attach(second);
        assertEquals(List.of("a[\"a\",\"b\\\"c\\\"\"]"), await(second, 1));
    }

    @Test
    void aStreamTakesFramesAsTheyComeAndASecondRequestIsRefusedWhileItHolds() throws Exception {
        SockJsSession session = open();
        Request stream = new Request(false);
        session.attach(stream);
        await(stream, 1);
        connection.sendText("x");
        assertEquals(List.of("o", "a[\"x\"]"), await(stream, 2));
        assertEquals(Outbound.Attach.TAKEN, session.attach(new Request(true)));
        session.receive(List.of("in1", "in2"));
        assertEquals(List.of("in1", "in2"), received);
    }

    @Test
    void aClosedSessionAnswersEveryLaterRequestWithItsCloseFrame() throws Exception {
        SockJsSession session = open();
        connection.sendText("dropped");
        connection.close(new CloseReason(CloseReason.CloseCodes.getCloseCode(3000), "Go away!"));
        Request stream = new Request(false);
        session.attach(stream);
        assertEquals(List.of("o", "c[3000,\"Go away!\"]"), await(stream, 2), "the open frame still precedes it");
        assertEquals(Outbound.Attach.CLOSED, session.attach(new Request(true)));
        assertEquals("c[3000,\"Go away!\"]", session.closeFrame());
        assertFalse(connection.sendText("late"));
        Await.until("the application told", Duration.ofSeconds(5), () -> !handlerEvents.isEmpty());
        assertEquals(List.of("closed"), handlerEvents, "the application is told once");
    }

    @Test
    void aClientThatLetsTooMuchPileUpIsClosedAsASlowConsumer() throws Exception {
        SockJsSession session = open();
        String chunk = "x".repeat(400);
        boolean queued = true;
        for (int i = 0; i < 10 && queued; i++) {
            queued = connection.sendText(chunk);
        }
        assertFalse(queued, "past outbound.queue.max (1024 here)");
        assertTrue(session.closeFrame().startsWith("c[1008,\"slow consumer"), session.closeFrame());
        assertEquals(1L, registry.counters().get("closedSlowConsumer"));
        Request poll = new Request(false);
        session.attach(poll);
        assertEquals(List.of("o", session.closeFrame()), await(poll, 2), "what piled up was dropped");
    }

    @Test
    void aReceiverThatBreaksWhileIdleInterruptsTheSession() throws Exception {
        SockJsSession session = open();
        Request stream = new Request(false);
        session.attach(stream);
        await(stream, 1);
        session.sinkFailed(stream, new IOException("client went away"));
        assertEquals("c[1002,\"Connection interrupted\"]", session.closeFrame());
        assertFalse(session.isOpen());
        assertEquals(Outbound.Attach.CLOSED, session.attach(new Request(true)));
    }

    @Test
    void aSessionNobodyPollsForTheDisconnectDelayEnds() throws Exception {
        SockJsSession session = open();
        session.sweep(System.nanoTime() + TimeUnit.SECONDS.toNanos(6));
        assertEquals("c[3000,\"Go away!\"]", session.closeFrame());
        assertEquals(List.of("closed"), handlerEvents);
        SockJsSession attached = open();
        Request stream = new Request(false);
        attached.attach(stream);
        await(stream, 1);
        attached.sweep(System.nanoTime() + TimeUnit.SECONDS.toNanos(26));
        assertTrue(attached.isOpen(), "a session with a receiver does not expire");
        assertEquals(List.of("o", "h"), await(stream, 2), "it gets a heart-beat instead");
    }
}
