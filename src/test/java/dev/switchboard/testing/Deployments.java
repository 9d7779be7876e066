package dev.switchboard.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.jboss.shrinkwrap.api.GenericArchive;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.importer.ExplodedImporter;
import org.jboss.shrinkwrap.api.spec.JavaArchive;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.jboss.shrinkwrap.resolver.api.maven.Maven;

/**
 * ShrinkWrap WARs made like the real one: the compiled main classes, the runtime libraries the
 * POM names, webapp/ with its web.xml, plus the context-params a test wants.
 */
public final class Deployments {

    private static File[] libraries;

    /** sockjs-client as the build unpacks it from its WebJar (generate-resources). */
    public static final String STOMPJS =
            "target/browser-libraries/META-INF/resources/webjars/stomp__stompjs/7.2.1/bundles/stomp.umd.min.js";

    public static final String SOCKJS_CLIENT =
            "target/browser-libraries/META-INF/resources/webjars/sockjs-client/1.6.1/dist/sockjs.min.js";

    private Deployments() {
    }

    /**
     * What every test deployment sets unless the test says otherwise: tests open connections from
     * one address far faster than browsers do, so the per-address connection, handshake-rate and
     * byte-rate limits are off; the tests of those limits set them.
     */
    static final Map<String, String> TEST_DEFAULTS = Map.of(
            "switchboard.handshake.rate", "0",
            "switchboard.connections.per.address.max", "100000",
            "switchboard.inbound.bytes.rate.address", "0",
            "switchboard.sockjs.test.services", "true"); // the SockJS tests drive them; off as shipped

    /** Switchboard as built, with extra context-params (full names, {@code switchboard.*}). */
    public static WebArchive switchboard(String name, Map<String, String> contextParams) {
        return switchboard(name, contextParams, "");
    }

    /** As above, with more elements in web.xml (a listener of the application's, say). */
    public static WebArchive switchboard(String name, Map<String, String> contextParams, String webXmlElements) {
        Map<String, String> params = new java.util.TreeMap<>(TEST_DEFAULTS);
        params.putAll(contextParams);
        return build(name, params, webXmlElements);
    }

    private static WebArchive build(String name, Map<String, String> contextParams, String webXmlElements) {
        WebArchive war = ShrinkWrap.create(WebArchive.class, name + ".war");
        war.addAsLibrary(library());
        war.addAsLibraries(libraries());
        for (String page : new String[] {"index.html", "chat.js", "chat.css"}) {
            war.addAsWebResource(new File("webapp/" + page), page);
        }
        war.addAsWebResource(new File(SOCKJS_CLIENT), "lib/sockjs-client/sockjs.min.js");
        war.addAsWebResource(new File(STOMPJS), "lib/stompjs/stomp.umd.min.js");
        war.setWebXML(new StringAsset(webXml(contextParams, webXmlElements)));
        return war;
    }

    /** Switchboard's classes as the library jar the build makes: web fragment and initializer included. */
    public static JavaArchive library() {
        return ShrinkWrap.create(GenericArchive.class, "switchboard.jar").as(ExplodedImporter.class)
                .importDirectory("target/classes").as(JavaArchive.class);
    }

    static String webXml(Map<String, String> contextParams, String webXmlElements) {
        String xml;
        try {
            xml = Files.readString(Path.of("webapp/WEB-INF/web.xml"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        StringBuilder params = new StringBuilder();
        for (Map.Entry<String, String> p : contextParams.entrySet()) {
            // the test's value replaces web.xml's own
            xml = xml.replaceAll("(?s)\\s*<context-param>\\s*<param-name>" + java.util.regex.Pattern.quote(p.getKey())
                    + "</param-name>.*?</context-param>", "");
            params.append("  <context-param><param-name>").append(p.getKey())
                    .append("</param-name><param-value>").append(p.getValue()).append("</param-value></context-param>\n");
        }
        params.append(webXmlElements);
        int at = xml.indexOf("  <welcome-file-list>");
        return xml.substring(0, at) + params + xml.substring(at);
    }

    private static synchronized File[] libraries() {
        if (libraries == null) {
            libraries = Maven.configureResolver().workOffline().loadPomFromFile("pom.xml")
                    .importCompileAndRuntimeDependencies().resolve().withTransitivity().asFile();
        }
        return libraries;
    }
}
