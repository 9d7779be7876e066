package dev.switchboard.sockjs;

import dev.switchboard.handshake.HandshakeInterceptors;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * The receiving requests of SockJS's HTTP transports ({@code xhr}, {@code xhr_streaming},
 * {@code eventsource}, {@code htmlfile}, {@code jsonp}): each becomes a {@link Receiver} attached
 * to its session, or refused with a close frame when another request holds the session.
 */
final class ReceivingRequests {

    private static final Pattern CALLBACK = Pattern.compile("[A-Za-z0-9_.]{1,128}");
    /** Delay between the probes of a request that holds a session another request claims. */
    private static final long CONTENTION_PROBE_MS = 25;

    private final SockJsServer server;
    private final SockJsHttp http;

    ReceivingRequests(SockJsServer server, SockJsHttp http) {
        this.server = server;
        this.http = http;
    }

    void receive(SockJsService service, Transport transport, String sessionId, HttpServletRequest request,
                         HttpServletResponse response) throws IOException {
        String method = request.getMethod();
        if (method.equals("OPTIONS") && transport.method.equals("POST")) {
            http.preflight(request, response, "OPTIONS, POST");
            return;
        }
        if (!method.equals(transport.method)) {
            http.methodNotAllowed(response, transport.method.equals("POST") ? "OPTIONS, POST" : "GET");
            return;
        }
        if (!http.originAllowed(request, response)) {
            return;
        }
        String callback = transport.needsCallback() ? request.getParameter("c") : null;
        if (transport.needsCallback()) {
            if (callback == null || callback.isEmpty()) {
                http.text(response, 500, "text/plain;charset=UTF-8", "\"callback\" parameter required");
                return;
            }
            if (!CALLBACK.matcher(callback).matches()) {
                http.text(response, 500, "text/plain;charset=UTF-8", "invalid \"callback\" parameter");
                return;
            }
        }
        HandshakeInterceptors.Run opening = null;
        SockJsSession existing = server.session(sessionId);
        if (existing != null && !existing.admits(request)) {
            server.foreignRequests.increment(); // another client: as if there were no such session
            http.notFound(response);
            return;
        }
        if (existing == null) {
            if (!server.handshake().admission().admit(request.getRemoteAddr(), response)) {
                return; // a new session, not admitted now
            }
            opening = server.handshake().open(request, response, transport.path);
            if (opening == null) {
                return; // a token that does not verify (401), or the application refused it
            }
        }
        http.cors(request, response);
        http.cookie(service, request, response);
        response.setHeader("Cache-Control", SockJsHttp.NOT_CACHED);
        response.setContentType(transport.contentType);
        response.setStatus(200);

        HandshakeInterceptors.Run opened = opening;
        SockJsSession session = server.sessionFor(sessionId, service, () -> {
            SockJsSession created = new SockJsSession(server, service, sessionId, SockJsHttp.connectionInfo(request,
                    server.handshake().copiedHeaders(), opened != null ? opened.attributes() : Map.of(),
                    opened != null ? opened.principal() : null));
            created.ownedBy(SessionOwner.of(request, opened != null ? opened.principal() : null));
            return created;
        });
        if (opening != null) {
            opening.after(true);
        }
        AsyncContext async = request.startAsync();
        async.setTimeout(0); // the session's heart-beats and the sweep decide when it ends
        if (session.service() != service) {
            async.complete(); // the id belongs to another service's session
            return;
        }
        Receiver receiver = new Receiver(transport, callback, async, service.streamLimit());
        receiver.start(() -> attachOrContend(session, receiver));
    }

    /** Attaches the receiver to its session; when another request holds it, probes that one first. */
    private void attachOrContend(SockJsSession session, Receiver receiver) {
        switch (session.attach(receiver)) {
            case ATTACHED -> { }
            case CLOSED -> receiver.refuse(session.closeFrame());
            case TAKEN -> {
                // Another request holds the session. Its client may have gone away without the
                // container noticing (an idle request is not read): probe it twice, then decide.
                session.probe();
                ScheduledExecutorService timer = server.environment().background();
                try {
                    timer.schedule(session::probe, CONTENTION_PROBE_MS, TimeUnit.MILLISECONDS);
                    timer.schedule(() -> claimOrRefuse(session, receiver), 2 * CONTENTION_PROBE_MS, TimeUnit.MILLISECONDS);
                } catch (RejectedExecutionException stopping) {
                    claimOrRefuse(session, receiver);
                }
            }
        }
    }

    private void claimOrRefuse(SockJsSession session, Receiver receiver) {
        switch (session.attach(receiver)) {
            case ATTACHED -> { }
            case CLOSED -> receiver.refuse(session.closeFrame());
            case TAKEN -> {
                server.busyRefused.increment();
                receiver.refuse(SockJsFrames.close(2010, "Another connection still open"));
            }
        }
    }

}
