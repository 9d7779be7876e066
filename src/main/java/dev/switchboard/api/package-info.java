/**
 * Switchboard's public API: what an application uses to handle messages (annotated handler
 * classes, {@link dev.switchboard.api.Messaging}), to check and shape connections
 * ({@link dev.switchboard.api.HandshakeInterceptor}, {@link dev.switchboard.api.InboundInterceptor})
 * and to hear sessions come and go ({@link dev.switchboard.api.SessionListener}). Everything outside
 * this package is internal and may change.
 *
 * <p>An application's WAR depends on the Switchboard library and names it in web.xml's
 * {@code <absolute-ordering>}; Switchboard's initializer then finds the application's classes. See
 * {@code docs/applications.md}.
 */
package dev.switchboard.api;
