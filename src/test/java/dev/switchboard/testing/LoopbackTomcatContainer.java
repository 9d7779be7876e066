package dev.switchboard.testing;

import dev.switchboard.runner.TomcatDefaults;
import java.io.File;
import java.nio.file.Path;
import org.apache.catalina.Context;
import org.apache.catalina.Host;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.core.StandardContext;
import org.apache.catalina.startup.ContextConfig;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.net.SSLHostConfig;
import org.apache.tomcat.util.net.SSLHostConfigCertificate;
import org.jboss.arquillian.container.spi.client.container.DeployableContainer;
import org.jboss.arquillian.container.spi.client.container.DeploymentException;
import org.jboss.arquillian.container.spi.client.protocol.ProtocolDescription;
import org.jboss.arquillian.container.spi.client.protocol.metadata.HTTPContext;
import org.jboss.arquillian.container.spi.client.protocol.metadata.ProtocolMetaData;
import org.jboss.arquillian.container.spi.client.protocol.metadata.Servlet;
import org.jboss.shrinkwrap.api.Archive;
import org.jboss.shrinkwrap.api.exporter.ZipExporter;

/**
 * An Arquillian container: embedded Tomcat 11 listening on the loopback address only (the
 * published embedded-Tomcat adapter binds every interface whatever its bindAddress says) and on
 * any free port. A ShrinkWrap archive {@code name.war} is deployed at {@code /name} the way Tomcat
 * deploys a WAR: web.xml parsed, the container's ServletContainerInitializers (its WebSocket
 * support) run, annotated endpoints registered.
 */
public class LoopbackTomcatContainer implements DeployableContainer<LoopbackTomcatConfiguration> {

    private LoopbackTomcatConfiguration configuration;
    private Tomcat tomcat;
    private Connector connector;
    private Path appBase;

    @Override
    public Class<LoopbackTomcatConfiguration> getConfigurationClass() {
        return LoopbackTomcatConfiguration.class;
    }

    @Override
    public void setup(LoopbackTomcatConfiguration configuration) {
        this.configuration = configuration;
    }

    @Override
    public ProtocolDescription getDefaultProtocol() {
        return new ProtocolDescription("Local");
    }

    @Override
    public void start() throws org.jboss.arquillian.container.spi.client.container.LifecycleException {
        // one base directory per test JVM: failsafe runs several at once (test.fork is its fork number)
        Path home = Path.of(configuration.getTomcatHome() + "-" + System.getProperty("test.fork", "1")).toAbsolutePath();
        appBase = home.resolve("webapps");
        appBase.toFile().mkdirs();
        tomcat = new Tomcat();
        tomcat.setBaseDir(home.toString());
        connector = new Connector("HTTP/1.1");
        connector.setProperty("address", configuration.getBindAddress());
        connector.setPort(configuration.getBindHttpPort());
        tomcat.getService().addConnector(connector);
        tomcat.setConnector(connector);
        Connector https = httpsConnector();
        tomcat.getService().addConnector(https);
        tomcat.getHost().setAppBase(appBase.toString());
        try {
            tomcat.start();
        } catch (LifecycleException e) {
            throw new org.jboss.arquillian.container.spi.client.container.LifecycleException("Tomcat did not start", e);
        }
        if (connector.getLocalPort() < 0) {
            throw new org.jboss.arquillian.container.spi.client.container.LifecycleException(
                    "Tomcat could not listen on " + configuration.getBindAddress() + ":" + configuration.getBindHttpPort());
        }
        // the tests find it here, as they find the standalone containers' HTTPS port (set by failsafe)
        System.setProperty("containers.https.port", String.valueOf(https.getLocalPort()));
    }

    /** wss:// and https:// on any free loopback port, with the key {@link Containers#keystore()} made. */
    private Connector httpsConnector() {
        Connector https = new Connector("HTTP/1.1");
        https.setProperty("address", configuration.getBindAddress());
        https.setPort(0);
        https.setSecure(true);
        https.setScheme("https");
        https.setProperty("SSLEnabled", "true");
        SSLHostConfig tls = new SSLHostConfig();
        SSLHostConfigCertificate certificate = new SSLHostConfigCertificate(tls, SSLHostConfigCertificate.Type.RSA);
        certificate.setCertificateKeystoreFile(Containers.keystore().toString());
        certificate.setCertificateKeystorePassword(Containers.KEYSTORE_PASSWORD);
        certificate.setCertificateKeystoreType("PKCS12");
        tls.addCertificate(certificate);
        https.addSslHostConfig(tls);
        return https;
    }

    @Override
    public void stop() throws org.jboss.arquillian.container.spi.client.container.LifecycleException {
        try {
            tomcat.stop();
            tomcat.destroy();
        } catch (LifecycleException e) {
            throw new org.jboss.arquillian.container.spi.client.container.LifecycleException("Tomcat did not stop", e);
        }
    }

    @Override
    public ProtocolMetaData deploy(Archive<?> archive) throws DeploymentException {
        File war = appBase.resolve(archive.getName()).toFile();
        // a directory unpacked by an earlier run that was killed would be deployed instead of this WAR
        deleteTree(appBase.resolve(archive.getName().replaceFirst("\\.war$", "")));
        archive.as(ZipExporter.class).exportTo(war, true);
        String path = contextPath(archive);

        StandardContext context = new StandardContext();
        context.setName(path);
        context.setPath(path);
        context.setDocBase(war.getAbsolutePath());
        context.setParentClassLoader(getClass().getClassLoader());
        context.addLifecycleListener(new ContextConfig());
        TomcatDefaults.apply(context);
        Host host = tomcat.getHost();
        try {
            host.addChild(context);
        } catch (RuntimeException e) {
            throw new DeploymentException("deploying " + archive.getName() + " failed", e);
        }
        if (!context.getState().isAvailable()) {
            host.removeChild(context);
            throw new DeploymentException(archive.getName() + " did not start; the log says why");
        }
        HTTPContext http = new HTTPContext(configuration.getBindAddress(), connector.getLocalPort());
        http.add(new Servlet("default", path.isEmpty() ? "/" : path));
        return new ProtocolMetaData().addContext(http);
    }

    @Override
    public void undeploy(Archive<?> archive) {
        Context context = (Context) tomcat.getHost().findChild(contextPath(archive));
        if (context != null) {
            tomcat.getHost().removeChild(context);
        }
        appBase.resolve(archive.getName()).toFile().delete();
    }

    private static void deleteTree(Path dir) throws DeploymentException {
        if (!java.nio.file.Files.isDirectory(dir)) {
            return;
        }
        try (java.util.stream.Stream<Path> all = java.nio.file.Files.walk(dir)) {
            for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
                java.nio.file.Files.delete(p);
            }
        } catch (java.io.IOException e) {
            throw new DeploymentException("cannot remove the stale unpacked " + dir, e);
        }
    }

    private static String contextPath(Archive<?> archive) {
        String name = archive.getName().replaceFirst("\\.war$", "");
        return "ROOT".equals(name) ? "" : "/" + name;
    }
}
