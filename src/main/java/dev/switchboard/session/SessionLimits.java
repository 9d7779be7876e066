package dev.switchboard.session;

import java.time.Duration;

/**
 * The per-connection limits every endpoint enforces.
 *
 * @param textMessageMax   largest text message, in characters
 * @param binaryMessageMax largest binary message, in bytes
 * @param idleTimeout      idle time after which the container closes the connection; zero: never
 * @param sendTimeout      longest one asynchronous send may take
 * @param outboundMax      most characters/bytes waiting to be sent before the client counts as slow
 * @param coalesceMax      most characters/bytes joined into one write; 0: one message per write
 */
public record SessionLimits(int textMessageMax, int binaryMessageMax, Duration idleTimeout,
                            Duration sendTimeout, int outboundMax, int coalesceMax) {
}
