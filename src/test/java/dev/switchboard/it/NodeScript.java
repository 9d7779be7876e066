package dev.switchboard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs one of the end-to-end scripts of {@code src/test/node} and checks it passed every check. */
final class NodeScript {

    private NodeScript() {
    }

    /** @return what it printed, one line per check */
    static String run(String script, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("node", script));
        command.addAll(List.of(args));
        Process node = new ProcessBuilder(command).directory(new File("src/test/node")).redirectErrorStream(true).start();
        assertTrue(node.waitFor(60, TimeUnit.SECONDS), script + " did not end within 60 s");
        String output = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, node.exitValue(), output);
        assertTrue(output.contains("ALL PASSED") && !output.contains("FAIL"), output);
        return output;
    }
}
