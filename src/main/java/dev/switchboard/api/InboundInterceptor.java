package dev.switchboard.api;

/**
 * Sees every frame a client sends (CONNECT included) before Switchboard acts on it, in the order
 * the client sent them, on the thread handling that session's input. It may refuse a frame by
 * throwing {@link MessagingException}: the client gets a STOMP ERROR with the exception's message
 * and the connection closes (the refusal is counted). On CONNECT it may set the session's user
 * ({@link InboundFrame#authenticate}).
 *
 * <p>Found like handlers (any implementing class in the application's WAR, or listed by a
 * {@link MessagingApplication}); several run in the order of their class names.
 */
public interface InboundInterceptor {

    void inbound(InboundFrame frame, MessagingSession session);
}
