package dev.switchboard.server;

import java.util.List;

/** What an admin watches the deployment with besides /stats and JMX. Part of {@link Settings#ALL}. */
public final class OperationsSettings {

    private OperationsSettings() {
    }

    public static final Setting<Boolean> METRICS_ENABLED = new Setting<>(
            "metrics.enabled", "boolean", "false",
            "Serve `/metrics`: the `/stats` figures and handshake and fan-out timers (with histograms) in"
                    + " Prometheus's text format, through Micrometer (in the demo WAR; an application adds"
                    + " `io.micrometer:micrometer-registry-prometheus`). The same access rule as `/stats`"
                    + " (`stats.access`). Off: `/metrics` is 404.",
            SettingValues::bool);

    static final List<Setting<?>> ALL = List.of(METRICS_ENABLED);
}
