package dev.switchboard.runner;

import dev.switchboard.security.PasswordHashes;

/**
 * Prints a {@code stomp.users} password hash for the password in the environment variable
 * {@code SWITCHBOARD_PASSWORD} (not an argument: arguments show in process lists and shell history).
 *
 * <p>{@code SWITCHBOARD_PASSWORD='...' mvn -q test-compile exec:exec -Dswitchboard.main=dev.switchboard.runner.PasswordHash -Dswitchboard.jvm.args=}
 */
public final class PasswordHash {

    private PasswordHash() {
    }

    public static void main(String[] args) {
        String password = System.getenv("SWITCHBOARD_PASSWORD");
        if (password == null || password.isEmpty()) {
            System.err.println("set SWITCHBOARD_PASSWORD to the password to hash");
            System.exit(2);
        }
        System.out.println(PasswordHashes.hash(password));
    }
}
