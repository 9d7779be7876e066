package dev.switchboard.session;

import java.util.concurrent.ScheduledExecutorService;

/**
 * What every connection of one deployment shares: its limits, the registry that counts and
 * closes connections, and the deployment's background threads (timers, closes that must not run
 * on a publisher's thread) and writer threads (that start writes for fanned-out messages), which
 * the deployment stops on undeploy; and the memory budget each connection's account draws on. The handshake leaves it in
 * each session's user properties under {@link #KEY}.
 */
public record SessionEnvironment(SessionLimits limits, SessionRegistry registry, ScheduledExecutorService background,
                                 WriterPool writers, MemoryBudget budget) {

    public static final String KEY = SessionEnvironment.class.getName();
}
