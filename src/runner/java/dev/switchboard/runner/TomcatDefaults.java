package dev.switchboard.runner;

import org.apache.catalina.Context;
import org.apache.catalina.Lifecycle;
import org.apache.catalina.Wrapper;
import org.apache.catalina.servlets.DefaultServlet;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.scan.StandardJarScanner;

/**
 * What a standalone Tomcat's conf/web.xml and jar-scan filter give a web application, for
 * contexts made in an embedded Tomcat: the default servlet (static files), MIME types, and no
 * scanning of the JVM's own class path (a standalone Tomcat's class path is only Tomcat). JSP is
 * left out: Switchboard has none.
 */
public final class TomcatDefaults {

    private TomcatDefaults() {
    }

    /**
     * Libraries of the demo WAR that hold no TLD, fragment or initializer, which a deploy need not
     * open (tomcat-conf/catalina.properties's jarsToSkip says the same for a standalone Tomcat).
     */
    public static final String LIBRARIES_TO_SKIP = "lettuce-core-*.jar,netty-*.jar,reactor-core-*.jar,reactive-streams-*.jar,"
            + "redis-authx-*.jar,micrometer-*.jar,prometheus-metrics-*.jar,HdrHistogram-*.jar,jspecify-*.jar,"
            + "nimbus-jose-jwt-*.jar,slf4j-*.jar,yasson-*.jar,parsson-*.jar,jakarta.json*.jar";

    /** Call before the context starts. */
    public static void apply(Context context) {
        StandardJarScanner scanner = new StandardJarScanner();
        scanner.setScanClassPath(false);
        org.apache.tomcat.util.scan.StandardJarScanFilter filter = new org.apache.tomcat.util.scan.StandardJarScanFilter();
        filter.setTldSkip(filter.getTldSkip() + "," + LIBRARIES_TO_SKIP);
        filter.setPluggabilitySkip(filter.getPluggabilitySkip() + "," + LIBRARIES_TO_SKIP);
        scanner.setJarScanFilter(filter);
        context.setJarScanner(scanner);
        context.addLifecycleListener(event -> {
            if (Lifecycle.BEFORE_START_EVENT.equals(event.getType())) {
                Wrapper servlet = context.createWrapper();
                servlet.setName("default");
                servlet.setServletClass(DefaultServlet.class.getName());
                servlet.setLoadOnStartup(1);
                context.addChild(servlet);
                context.addServletMappingDecoded("/", "default");
                Tomcat.addDefaultMimeTypeMappings(context);
            }
        });
    }
}
