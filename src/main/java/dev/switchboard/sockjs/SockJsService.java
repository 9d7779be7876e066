package dev.switchboard.sockjs;

import java.util.Set;

/**
 * One SockJS service, served under {@code /sockjs/{name}}.
 *
 * @param name               the URL segment
 * @param application        what handles its sessions
 * @param websocket          whether the websocket transport (and the raw /websocket URL) is on
 * @param cookieNeeded       whether transports set a JSESSIONID cookie for sticky load balancers
 * @param streamLimit        bytes a streaming response carries before it is closed (the client reopens)
 * @param disabledTransports HTTP transports turned off (their URL paths: xhr, xhr_streaming, ...)
 */
public record SockJsService(String name, SockJsApplication application, boolean websocket, boolean cookieNeeded,
                            int streamLimit, Set<String> disabledTransports) {

    public SockJsService {
        disabledTransports = Set.copyOf(disabledTransports);
        if (streamLimit < 1) {
            throw new IllegalArgumentException("stream limit must be positive: " + streamLimit);
        }
    }

    boolean enabled(Transport transport) {
        return !disabledTransports.contains(transport.path);
    }

    /** Whether xhr_send / jsonp_send work: when some transport that needs them is on. */
    boolean enabledSend(String path) {
        return !disabledTransports.contains(path);
    }
}
