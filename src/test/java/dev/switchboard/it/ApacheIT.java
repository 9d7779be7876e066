package dev.switchboard.it;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;

/** Apache httpd 2.4 (Debian's) with {@code tomcat-conf/proxy/httpd.conf} in front of two nodes; see {@link ProxyTests}. */
class ApacheIT extends ProxyTests {

    @BeforeAll
    static void start() throws Exception {
        startAll("apache", ApacheIT::httpd);
    }

    static Process httpd(Path dir, int port, int nodeA, int nodeB) throws Exception {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("switchboard.conf"), shipped("httpd.conf", port, nodeA, nodeB));
        String modules = "/usr/lib/apache2/modules/";
        StringBuilder main = new StringBuilder();
        // what a distribution's apache2.conf holds, with every path in the test's directory
        main.append("ServerRoot ").append(dir).append('\n')
                .append("ServerName 127.0.0.1\n")
                .append("DefaultRuntimeDir ").append(dir).append('\n')
                .append("PidFile ").append(dir.resolve("httpd.pid")).append('\n')
                .append("ErrorLog ").append(dir.resolve("error.log")).append('\n')
                .append("LogLevel warn proxy:info\n");
        for (String module : new String[] {"mpm_event", "authz_core", "proxy", "proxy_http", "proxy_balancer",
                "lbmethod_bybusyness", "slotmem_shm", "headers", "ssl"}) {
            main.append("LoadModule ").append(module).append("_module ").append(modules).append("mod_")
                    .append(module).append(".so\n");
        }
        main.append("<IfModule unixd_module>\n  User nobody\n  Group nogroup\n</IfModule>\n")
                .append("Include ").append(dir.resolve("switchboard.conf")).append('\n');
        Files.writeString(dir.resolve("httpd.conf"), main.toString());
        return new ProcessBuilder("apache2", "-d", dir.toString(), "-f", dir.resolve("httpd.conf").toString(),
                "-DFOREGROUND")
                .redirectErrorStream(true).redirectOutput(dir.resolve("httpd.out").toFile()).start();
    }
}
