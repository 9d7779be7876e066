package dev.switchboard.it;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;

/** nginx (Debian's) with {@code tomcat-conf/proxy/nginx.conf} in front of two nodes; see {@link ProxyTests}. */
class NginxIT extends ProxyTests {

    @BeforeAll
    static void start() throws Exception {
        startAll("nginx", NginxIT::nginx);
    }

    static Process nginx(Path dir, int port, int nodeA, int nodeB) throws Exception {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("switchboard.conf"), shipped("nginx.conf", port, nodeA, nodeB));
        // what a distribution's main nginx.conf holds, with every path in the test's directory
        Files.writeString(dir.resolve("nginx.conf"), String.join("\n",
                "daemon off;",
                "worker_processes 1;",
                "pid " + dir.resolve("nginx.pid") + ";",
                "error_log " + dir.resolve("error.log") + " info;",
                "events { worker_connections 1024; }",
                "http {",
                "  access_log " + dir.resolve("access.log") + ";",
                "  client_body_temp_path " + dir.resolve("body") + ";",
                "  proxy_temp_path " + dir.resolve("proxy") + ";",
                "  fastcgi_temp_path " + dir.resolve("fastcgi") + ";",
                "  uwsgi_temp_path " + dir.resolve("uwsgi") + ";",
                "  scgi_temp_path " + dir.resolve("scgi") + ";",
                "  include " + dir.resolve("switchboard.conf") + ";",
                "}", ""));
        return new ProcessBuilder("nginx", "-p", dir.toString(), "-c", dir.resolve("nginx.conf").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("nginx.out").toFile()).start();
    }
}
