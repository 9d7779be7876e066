package dev.switchboard.runner;

import java.net.URI;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * How long Tomcat takes to start a WAR built on Switchboard (the demo, or {@code --war} another,
 * such as the example application), as shipped (web.xml's {@code <absolute-ordering>} names only
 * the {@code switchboard} fragment) and with that element removed, deployed alternately in one JVM.
 * Prints the wall time from an empty Tomcat base to the WAR serving: Tomcat's start (the same
 * for both), unpacking the WAR, parsing web.xml, scanning, initializers and listeners.
 *
 * <p>{@code mvn -q package -DskipTests exec:exec -Dswitchboard.main=dev.switchboard.runner.DeployTimeBenchmark -Dswitchboard.main.args=}
 */
public final class DeployTimeBenchmark {

    private DeployTimeBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path war = null;
        int rounds = 15;
        for (int i = 0; i < args.length; i += 2) {
            switch (args[i]) {
                case "--war" -> war = Path.of(args[i + 1]);
                case "--rounds" -> rounds = Integer.parseInt(args[i + 1]);
                default -> { }
            }
        }
        Path work = Path.of("target", "deploy-benchmark");
        EmbeddedServer.deleteTree(work);
        Files.createDirectories(work);
        Path unordered = withoutAbsoluteOrdering(war, work.resolve("without-absolute-ordering.war"));

        List<Long> ordered = new ArrayList<>();
        List<Long> scanned = new ArrayList<>();
        for (int round = 0; round < rounds + 2; round++) {
            long a = startupMillis(war, work.resolve("a"));
            long b = startupMillis(unordered, work.resolve("b"));
            if (round >= 2) { // the first two rounds warm the JVM up
                ordered.add(a);
                scanned.add(b);
            }
        }
        System.out.printf("Time to start embedded Tomcat with %s deployed (%d rounds after 2 warm-up rounds, ms)%n",
                war.getFileName(), rounds);
        System.out.printf("%-40s %8s %8s %8s%n", "web.xml", "median", "min", "max");
        print("with <absolute-ordering> (as shipped)", ordered);
        print("without it", scanned);
    }

    /** A copy of {@code war} at {@code copy} whose web.xml has no {@code <absolute-ordering>}. */
    public static Path withoutAbsoluteOrdering(Path war, Path copy) throws java.io.IOException {
        Files.copy(war, copy, StandardCopyOption.REPLACE_EXISTING);
        try (FileSystem zip = FileSystems.newFileSystem(URI.create("jar:" + copy.toUri()), Map.of())) {
            Path webXml = zip.getPath("WEB-INF/web.xml");
            String text = Files.readString(webXml);
            String without = text.replaceAll("(?s)<absolute-ordering\\s*/>|<absolute-ordering>.*?</absolute-ordering>", "");
            if (without.equals(text)) {
                throw new IllegalStateException("the WAR's web.xml has no <absolute-ordering>");
            }
            Files.writeString(webXml, without);
        }
        return copy;
    }

    private static long startupMillis(Path war, Path base) throws Exception {
        long started = System.nanoTime();
        try (EmbeddedServer server = EmbeddedServer.start(war, "127.0.0.1", 0, base)) {
            return (System.nanoTime() - started) / 1_000_000;
        }
    }

    private static void print(String label, List<Long> millis) {
        List<Long> sorted = new ArrayList<>(millis);
        Collections.sort(sorted);
        System.out.printf("%-40s %8d %8d %8d%n", label, sorted.get(sorted.size() / 2), sorted.get(0),
                sorted.get(sorted.size() - 1));
    }
}
