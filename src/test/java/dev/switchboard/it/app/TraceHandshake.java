package dev.switchboard.it.app;

import dev.switchboard.api.Handshake;
import dev.switchboard.api.HandshakeInterceptor;

/** Copies the X-Trace request header into the session's attributes. */
public class TraceHandshake implements HandshakeInterceptor {
    @Override
    public void beforeHandshake(Handshake handshake) {
        String trace = handshake.header("X-Trace");
        if (trace != null) {
            handshake.attributes().put("trace", trace);
        }
    }
}
