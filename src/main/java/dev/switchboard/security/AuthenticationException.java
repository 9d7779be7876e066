package dev.switchboard.security;

/** Credentials refused; the message is safe to show the client (it names no secret). */
public final class AuthenticationException extends Exception {
    public AuthenticationException(String message) {
        super(message);
    }
}
