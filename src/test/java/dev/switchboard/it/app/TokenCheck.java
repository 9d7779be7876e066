package dev.switchboard.it.app;

import dev.switchboard.api.InboundFrame;
import dev.switchboard.api.InboundInterceptor;
import dev.switchboard.api.MessagingException;
import dev.switchboard.api.MessagingSession;

/**
 * What the blog posts' StompHandler does, as an inbound interceptor: a {@code token} header on
 * CONNECT names the user ({@code token:good-NAME}); any other token is refused.
 */
public class TokenCheck implements InboundInterceptor {
    @Override
    public void inbound(InboundFrame frame, MessagingSession session) {
        String token = frame.header("token");
        if (!frame.command().equals("CONNECT") || token == null) {
            return;
        }
        if (!token.startsWith("good-")) {
            throw new MessagingException("bad token");
        }
        String name = token.substring("good-".length());
        frame.authenticate(() -> name);
    }
}
