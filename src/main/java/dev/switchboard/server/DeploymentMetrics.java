package dev.switchboard.server;

/**
 * What the deployment asks of its metrics, in types of its own: the Micrometer-based
 * {@link Metrics} is loaded only when {@code metrics.enabled} is on, so an application without
 * Micrometer (an optional dependency of the library) deploys as long as metrics stay off.
 */
interface DeploymentMetrics {

    String ATTRIBUTE = DeploymentMetrics.class.getName();

    void handshake(long nanos);

    void fanOut(long nanos);

    /** The Prometheus text exposition, as of now. */
    String scrape();

    void close();

    /**
     * The deployment's metrics, or null when {@code metrics.enabled} is off.
     *
     * @throws IllegalStateException when metrics are asked for and Micrometer is missing
     */
    static DeploymentMetrics create(Settings settings, jakarta.servlet.ServletContext context, ClassLoader loader) {
        if (!settings.get(OperationsSettings.METRICS_ENABLED)) {
            return null;
        }
        try {
            Class.forName("io.micrometer.prometheusmetrics.PrometheusMeterRegistry", false, loader);
        } catch (ClassNotFoundException | LinkageError e) {
            throw new IllegalStateException("metrics.enabled is true but Micrometer is not in the application: add"
                    + " io.micrometer:micrometer-registry-prometheus to the WAR, as the demo WAR has it");
        }
        return new Metrics(context);
    }
}
