package dev.switchboard.runner.bench;

import dev.switchboard.runner.DeployTimeBenchmark;
import dev.switchboard.testing.ContainerLayouts;
import dev.switchboard.testing.Containers;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Deploy time of the shipped WARs on the standalone containers the integration tests use (unpacked
 * by the build under target/containers at pre-integration-test), each WAR as shipped and with
 * web.xml's {@code <absolute-ordering>} removed, deployed alternately into one running server:
 * <ul>
 * <li>Tomcat 11 from the distribution zip with tomcat-conf/ (as {@code ShippedWarIT} runs it): the
 *     wall time of the manager's {@code deploy} request, which answers once the context started;</li>
 * <li>WildFly with its stock standalone.xml: from its log's "Starting deployment" to "Deployed"
 *     (the CLI's {@code deploy}; the upload before it is left out).</li>
 * </ul>
 * {@code mvn -q pre-integration-test -DskipTests -Dinvoker.skip=true exec:exec -Dswitchboard.main=dev.switchboard.runner.bench.ContainerDeployBenchmark -Dswitchboard.main.args=}
 */
public final class ContainerDeployBenchmark {

    private static final Duration START_BOUND = Duration.ofMinutes(3);

    private ContainerDeployBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path war = null;
        int rounds = 10;
        for (int i = 0; i < args.length; i += 2) {
            switch (args[i]) {
                case "--war" -> war = Path.of(args[i + 1]);
                case "--rounds" -> rounds = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        Path containers = Path.of("target", "containers").toAbsolutePath();
        Path work = Files.createDirectories(containers.resolve("deploy-benchmark"));
        Path wildflyWar = war.resolveSibling(war.getFileName().toString().replace(".war", "-wildfly.war"));
        List<Path> tomcatWars = List.of(war.toAbsolutePath(),
                DeployTimeBenchmark.withoutAbsoluteOrdering(war, work.resolve("tomcat-without-ordering.war")));
        List<Path> wildflyWars = List.of(wildflyWar.toAbsolutePath(),
                DeployTimeBenchmark.withoutAbsoluteOrdering(wildflyWar, work.resolve("wildfly-without-ordering.war")));

        List<List<Long>> tomcat = tomcat(only(containers, "apache-tomcat-"), work, tomcatWars, rounds);
        List<List<Long>> wildfly = wildfly(only(containers, "wildfly-"), wildflyWars, rounds);

        System.out.printf("Deploy time of the shipped WAR (%d rounds after 2 warm-up rounds, ms: median / min / max)%n", rounds);
        System.out.printf("%-58s %-22s %-22s%n", "container (WAR)", "with <absolute-ordering>", "without it");
        row(only(containers, "apache-tomcat-").getFileName() + " (" + war.getFileName() + "), manager deploy", tomcat);
        row(only(containers, "wildfly-").getFileName() + " (" + wildflyWar.getFileName() + "), deploy in its log", wildfly);
    }

    /** One standalone Tomcat; each round deploys both WARs at /bench through the manager, then undeploys. */
    private static List<List<Long>> tomcat(Path home, Path work, List<Path> wars, int rounds) throws Exception {
        Path base = work.resolve("tomcat-base");
        ContainerLayouts.tomcatBase(home, base, Containers.keystore());
        int http = ServerProcess.freePort();
        Process tomcat = new ProcessBuilder(javaCommand(), "-Xmx512m",
                "-cp", home.resolve("bin/bootstrap.jar") + java.io.File.pathSeparator + home.resolve("bin/tomcat-juli.jar"),
                "-Dcatalina.home=" + home, "-Dcatalina.base=" + base, "-Djava.io.tmpdir=" + base.resolve("temp"),
                "-Djava.util.logging.manager=org.apache.juli.ClassLoaderLogManager",
                "-Djava.util.logging.config.file=" + base.resolve("conf/logging.properties"),
                "-Dtomcat.bind.address=127.0.0.1", "-Dtomcat.http.port=" + http,
                "-Dtomcat.https.port=" + ServerProcess.freePort(), "-Dtomcat.shutdown.port=-1",
                "-Dtomcat.keystore.path=" + Containers.keystore(), "-Dtomcat.keystore.password=" + Containers.KEYSTORE_PASSWORD,
                "org.apache.catalina.startup.Bootstrap", "start")
                .redirectErrorStream(true).redirectOutput(base.resolve("logs/console.out").toFile()).start();
        try {
            HttpClient client = HttpClient.newHttpClient();
            String auth = "Basic " + Base64.getEncoder().encodeToString(
                    (ContainerLayouts.MANAGER_USER + ":" + ContainerLayouts.MANAGER_PASSWORD).getBytes(StandardCharsets.UTF_8));
            URI manager = URI.create("http://127.0.0.1:" + http + "/manager/text/");
            await("Tomcat's manager answering", () -> {
                try {
                    return manager(client, auth, manager.resolve("list")).startsWith("OK");
                } catch (IOException e) {
                    return false;
                }
            });
            List<List<Long>> times = List.of(new ArrayList<>(), new ArrayList<>());
            for (int round = 0; round < rounds + 2; round++) {
                for (int w = 0; w < wars.size(); w++) {
                    long started = System.nanoTime();
                    String deployed = manager(client, auth, manager.resolve("deploy?path=/bench&war="
                            + URLEncoder.encode(wars.get(w).toUri().toString(), StandardCharsets.UTF_8)));
                    long millis = (System.nanoTime() - started) / 1_000_000;
                    if (!deployed.startsWith("OK")) {
                        throw new IllegalStateException("Tomcat did not deploy " + wars.get(w) + ": " + deployed);
                    }
                    String undeployed = manager(client, auth, manager.resolve("undeploy?path=/bench"));
                    if (!undeployed.startsWith("OK")) {
                        throw new IllegalStateException("Tomcat did not undeploy: " + undeployed);
                    }
                    if (round >= 2) { // two rounds warm the server up
                        times.get(w).add(millis);
                    }
                }
            }
            return times;
        } finally {
            stop(tomcat);
        }
    }

    private static String manager(HttpClient client, String auth, URI uri) throws IOException {
        try {
            return client.send(HttpRequest.newBuilder(uri).header("Authorization", auth).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    private static final Pattern LOG_LINE = Pattern.compile(
            "^(\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d,\\d{3}) .*(WFLYSRV0027: Starting deployment of \"bench.war\"|WFLYSRV0010: Deployed \"bench.war\")");

    /** One WildFly; the CLI deploys both WARs as bench.war in turn, round after round; times from its log. */
    private static List<List<Long>> wildfly(Path home, List<Path> wars, int rounds) throws Exception {
        ContainerLayouts.wildfly(home, Containers.keystore());
        int management = ServerProcess.freePort();
        Process wildfly = new ProcessBuilder("bash", home.resolve("bin/standalone.sh").toString(),
                "-Djboss.bind.address=127.0.0.1", "-Djboss.bind.address.management=127.0.0.1",
                "-Djboss.http.port=" + ServerProcess.freePort(), "-Djboss.https.port=" + ServerProcess.freePort(),
                "-Djboss.management.http.port=" + management)
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        Path log = home.resolve("standalone/log/server.log");
        try {
            await("WildFly started", () -> {
                try {
                    return Files.exists(log) && Files.readString(log).contains("WFLYSRV0025");
                } catch (IOException e) {
                    return false;
                }
            });
            StringBuilder script = new StringBuilder();
            for (int round = 0; round < rounds + 2; round++) {
                for (Path war : wars) {
                    script.append("deploy ").append(war).append(" --name=bench.war\n").append("undeploy bench.war\n");
                }
            }
            Path file = Files.writeString(Files.createTempFile("deploy-benchmark", ".cli"), script);
            Process cli = new ProcessBuilder("bash", home.resolve("bin/jboss-cli.sh").toString(), "--connect",
                    "--controller=127.0.0.1:" + management, "--file=" + file)
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!cli.waitFor(10, TimeUnit.MINUTES) || cli.exitValue() != 0) {
                throw new IllegalStateException("WildFly's CLI failed (exit " + cli.exitValue() + ")");
            }
            List<Long> spans = new ArrayList<>();
            LocalDateTime started = null;
            DateTimeFormatter format = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss,SSS");
            for (String line : Files.readAllLines(log)) {
                Matcher m = LOG_LINE.matcher(line);
                if (!m.find()) {
                    continue;
                }
                LocalDateTime at = LocalDateTime.parse(m.group(1), format);
                if (m.group(2).contains("Starting")) {
                    started = at;
                } else {
                    spans.add(Duration.between(started, at).toMillis());
                }
            }
            if (spans.size() != (rounds + 2) * wars.size()) {
                throw new IllegalStateException("WildFly's log shows " + spans.size() + " deployments, not "
                        + (rounds + 2) * wars.size());
            }
            List<List<Long>> times = List.of(new ArrayList<>(), new ArrayList<>());
            for (int i = 2 * wars.size(); i < spans.size(); i++) {
                times.get(i % wars.size()).add(spans.get(i));
            }
            return times;
        } finally {
            stop(wildfly);
        }
    }

    private static Path only(Path containers, String prefix) throws IOException {
        try (var dirs = Files.list(containers)) {
            return dirs.filter(p -> p.getFileName().toString().startsWith(prefix)).findFirst().orElseThrow(
                    () -> new IllegalStateException("no " + prefix + "* in " + containers
                            + ": run the command with pre-integration-test, which unpacks it"));
        }
    }

    private static String javaCommand() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** The server and every process it started (WildFly's script starts its JVM as a child). */
    private static void stop(Process process) throws InterruptedException {
        List<ProcessHandle> all = new ArrayList<>(process.descendants().toList());
        all.add(process.toHandle());
        all.forEach(ProcessHandle::destroy);
        for (ProcessHandle p : all) {
            p.onExit().orTimeout(30, TimeUnit.SECONDS).exceptionally(e -> {
                p.destroyForcibly();
                return p;
            }).join();
        }
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + START_BOUND.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("not within " + START_BOUND + ": " + what);
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
    }

    private static void row(String label, List<List<Long>> times) {
        System.out.printf("%-58s %-22s %-22s%n", label, summary(times.get(0)), summary(times.get(1)));
    }

    private static String summary(List<Long> millis) {
        List<Long> sorted = new ArrayList<>(millis);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2) + " / " + sorted.get(0) + " / " + sorted.get(sorted.size() - 1);
    }
}
