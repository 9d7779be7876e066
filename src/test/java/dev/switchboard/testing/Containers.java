package dev.switchboard.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyStore;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.jboss.arquillian.container.spi.event.container.BeforeSetup;
import org.jboss.arquillian.core.api.annotation.Observes;

/**
 * The containers the shipped WARs are tested on (the failsafe executions in the POM): the embedded
 * Tomcat ({@code tomcat}, the default), a standalone Tomcat made from the distribution zip and
 * tomcat-conf/ ({@code tomcat-distribution}), and WildFly ({@code wildfly}). Arquillian starts the
 * one {@code arquillian.launch} names; before it does, {@link Preparation} lays out what that
 * container needs: a TLS key made with keytool, and for Tomcat a CATALINA_BASE as an admin would
 * make it.
 */
public final class Containers {

    /** The keystore's password; WildFly's stock standalone.xml names this one for its application keystore. */
    public static final String KEYSTORE_PASSWORD = "password";

    private Containers() {
    }

    /** Which container this test JVM runs against: {@code tomcat}, {@code tomcat-distribution} or {@code wildfly}. */
    public static String launched() {
        return System.getProperty("arquillian.launch", "tomcat");
    }

    static Path dir() {
        return Path.of(System.getProperty("containers.dir", "target/containers")).toAbsolutePath();
    }

    /** The port of the container's HTTPS connector (the embedded one sets it when it starts). */
    public static int httpsPort() {
        return Integer.parseInt(System.getProperty("containers.https.port"));
    }

    /**
     * A PKCS12 keystore with a self-signed key for 127.0.0.1 and localhost, made by the JDK's
     * keytool at test time and shared by the test JVMs of one build (made once, in a temporary file
     * moved into place, so JVMs running at once never see half of it; remade after a day, as the key
     * is valid for two).
     */
    public static synchronized Path keystore() {
        Path keystore = dir().resolve("test-keystore.p12");
        try {
            if (Files.exists(keystore) && Files.getLastModifiedTime(keystore).toInstant()
                    .isAfter(Instant.now().minus(Duration.ofDays(1)))) {
                return keystore;
            }
            Files.createDirectories(keystore.getParent());
            Path made = keystore.resolveSibling("keystore-" + UUID.randomUUID() + ".p12");
            Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                    "-genkeypair", "-alias", "switchboard", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                    "-dname", "CN=localhost", "-ext", "SAN=ip:127.0.0.1,dns:localhost",
                    "-storetype", "PKCS12", "-keystore", made.toString(),
                    "-storepass", KEYSTORE_PASSWORD, "-keypass", KEYSTORE_PASSWORD)
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!keytool.waitFor(60, TimeUnit.SECONDS) || keytool.exitValue() != 0) {
                throw new IllegalStateException("keytool could not make " + made);
            }
            Files.move(made, keystore, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return keystore;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A TLS context that trusts the key of {@link #keystore()} and nothing else. */
    public static SSLContext trustingTestKey() throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore())) {
            store.load(in, KEYSTORE_PASSWORD.toCharArray());
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(store);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }

    /** The standalone Tomcat's CATALINA_BASE (arquillian.xml names the same directory). */
    public static Path tomcatBase() {
        return dir().resolve("tomcat-base");
    }

    /** The directory of WildFly's server log. */
    public static Path wildflyLogs() {
        return Path.of(System.getProperty("containers.wildfly.home")).resolve("standalone/log");
    }

    /** Lays out what the launched container needs before Arquillian starts it. */
    public static final class Preparation {

        public void prepare(@Observes BeforeSetup event) throws IOException {
            switch (launched()) {
                case "tomcat-distribution" -> ContainerLayouts.tomcatBase(
                        Path.of(System.getProperty("containers.tomcat.home")), tomcatBase(), keystore());
                case "wildfly" -> ContainerLayouts.wildfly(Path.of(System.getProperty("containers.wildfly.home")), keystore());
                default -> keystore(); // the embedded Tomcat opens its HTTPS connector with it
            }
        }
    }
}
