package dev.switchboard.runner.bench;

/** Latencies in 10 µs steps up to 2 s (beyond: the last bucket). Recorded on one thread. */
final class Histogram {

    private static final long STEP_NANOS = 10_000;
    private final long[] counts = new long[200_001];
    private long total;
    private long max;

    void record(long nanos) {
        int bucket = (int) Math.min(counts.length - 1, Math.max(0, nanos / STEP_NANOS));
        counts[bucket]++;
        total++;
        max = Math.max(max, nanos);
    }

    long count() {
        return total;
    }

    /** The value at the quantile (0..1), in milliseconds; the bucket's upper edge. */
    double quantileMillis(double q) {
        if (total == 0) {
            return Double.NaN;
        }
        long rank = (long) Math.ceil(q * total);
        long seen = 0;
        for (int i = 0; i < counts.length; i++) {
            seen += counts[i];
            if (seen >= rank) {
                return (i + 1) * STEP_NANOS / 1e6;
            }
        }
        return max / 1e6;
    }

    void reset() {
        java.util.Arrays.fill(counts, 0);
        total = 0;
        max = 0;
    }
}
