package dev.switchboard.api;

import java.util.Set;

/**
 * Lists an application's handler, interceptor and listener classes explicitly, where the
 * container's scan does not find them (a WAR whose ordering leaves the scan out, classes from a
 * jar the scan skips). A subclass is found by the scan itself, or named by the
 * {@code switchboard.application} setting. What it lists adds to what the scan found.
 */
public abstract class MessagingApplication {

    /** Classes annotated {@link MessageController}, or implementing {@link InboundInterceptor}, {@link HandshakeInterceptor} or {@link SessionListener}. */
    public abstract Set<Class<?>> getClasses();
}
