package dev.switchboard.api;

import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpSession;
import java.security.Principal;
import java.util.List;
import java.util.Map;

/**
 * The HTTP request that opens a connection (a WebSocket upgrade, or the first request of a SockJS
 * session), as a {@link HandshakeInterceptor} sees it.
 */
public interface Handshake {

    /** How the client connects: {@code websocket}, or the SockJS transport ({@code xhr_streaming}, {@code eventsource}, ...). */
    String transport();

    /** The request path within the application, such as {@code /stomp}. */
    String path();

    /** A request header's first value, or null. */
    String header(String name);

    /** Every value of a request header. */
    List<String> headers(String name);

    /** The request's cookies. */
    List<Cookie> cookies();

    /** A query parameter's first value, or null. */
    String queryParameter(String name);

    /** The client's address as the container sees it. */
    String remoteAddress();

    /** The request's HTTP session, or null when it has none (one is never created here). */
    HttpSession httpSession();

    /** The connection's user: a verified bearer token's, else the one the container authenticated; or null. */
    Principal principal();

    /** Attributes the new session will hold ({@link MessagingSession#attributes()}); put into it freely. */
    Map<String, Object> attributes();
}
