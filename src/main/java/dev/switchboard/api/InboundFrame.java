package dev.switchboard.api;

import java.security.Principal;
import java.util.Map;

/**
 * A frame from a client, as an {@link InboundInterceptor} sees it before Switchboard acts on it.
 */
public interface InboundFrame {

    /** The STOMP command: {@code CONNECT}, {@code STOMP}, {@code SEND}, {@code SUBSCRIBE}, {@code UNSUBSCRIBE}, {@code ACK}, ... */
    String command();

    /** A header's first value, or null. */
    String header(String name);

    /** Every header, first values. */
    Map<String, String> headers();

    /** The {@code destination} header, or null. */
    default String destination() {
        return header("destination");
    }

    /** The body, unconverted (empty for frames without one). */
    byte[] body();

    /**
     * On CONNECT only: the user this session acts as from now on (what an interceptor that checks
     * a token in a CONNECT header decides); the {@code login}/{@code passcode} check is then skipped.
     *
     * @throws IllegalStateException on any other frame
     */
    void authenticate(Principal user);
}
