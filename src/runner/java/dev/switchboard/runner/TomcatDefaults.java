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

    /** Call before the context starts. */
    public static void apply(Context context) {
        StandardJarScanner scanner = new StandardJarScanner();
        scanner.setScanClassPath(false);
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
