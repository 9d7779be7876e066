package dev.switchboard.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Lays out the standalone containers unpacked under target/containers for a run: the tests'
 * (through {@link Containers.Preparation}) and the container deploy-time benchmark's. No Arquillian
 * here, so the benchmark runs on the runner's class path.
 */
public final class ContainerLayouts {

    /** The user (role manager-script) of Tomcat's manager application, through which Arquillian deploys. */
    public static final String MANAGER_USER = "arquillian";

    public static final String MANAGER_PASSWORD = Containers.KEYSTORE_PASSWORD;

    private ContainerLayouts() {
    }

    /**
     * A fresh CATALINA_BASE as docs/deploying.md tells an admin to make one: tomcat-conf/'s
     * server.xml, context.xml and logging.properties, its catalina.properties appended to the
     * distribution's (a later line wins), the distribution's conf/web.xml; the keystore is given to
     * server.xml as tomcat.keystore.path. Added for the tests only: the distribution's manager
     * application with one user.
     */
    public static void tomcatBase(Path home, Path base, Path keystore) throws IOException {
        deleteTree(base);
        for (String dir : new String[] {"conf/Catalina/localhost", "logs", "webapps", "temp", "work"}) {
            Files.createDirectories(base.resolve(dir));
        }
        for (String file : new String[] {"server.xml", "context.xml", "logging.properties"}) {
            Files.copy(Path.of("tomcat-conf", file), base.resolve("conf").resolve(file));
        }
        Files.writeString(base.resolve("conf/catalina.properties"),
                Files.readString(home.resolve("conf/catalina.properties")) + "\n"
                        + Files.readString(Path.of("tomcat-conf/catalina.properties")));
        Files.copy(home.resolve("conf/web.xml"), base.resolve("conf/web.xml"));
        Files.writeString(base.resolve("conf/manager-users.xml"), """
                <?xml version="1.0" encoding="UTF-8"?>
                <tomcat-users>
                  <user username="%s" password="%s" roles="manager-script"/>
                </tomcat-users>
                """.formatted(MANAGER_USER, MANAGER_PASSWORD));
        Files.writeString(base.resolve("conf/Catalina/localhost/manager.xml"), """
                <?xml version="1.0" encoding="UTF-8"?>
                <Context docBase="%s" privileged="true">
                  <Realm className="org.apache.catalina.realm.MemoryRealm" pathname="conf/manager-users.xml"/>
                </Context>
                """.formatted(home.resolve("webapps/manager")));
    }

    /**
     * WildFly as unpacked, with the keystore as its stock application keystore (which its HTTPS
     * listener reads) and an empty server log, so the log holds this run only.
     */
    public static void wildfly(Path home, Path keystore) throws IOException {
        Files.copy(keystore, home.resolve("standalone/configuration/application.keystore"),
                StandardCopyOption.REPLACE_EXISTING);
        Files.deleteIfExists(home.resolve("standalone/log/server.log"));
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
