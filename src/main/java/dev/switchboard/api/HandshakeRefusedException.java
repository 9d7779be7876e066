package dev.switchboard.api;

/** Thrown by a {@link HandshakeInterceptor}: the request is answered with this HTTP status and no session opens. */
public class HandshakeRefusedException extends RuntimeException {

    private final int status;

    /** @param status an HTTP error status, 400 to 599 (say 401 or 403) */
    public HandshakeRefusedException(int status, String message) {
        super(message);
        if (status < 400 || status > 599) {
            throw new IllegalArgumentException("an HTTP error status is 400 to 599, not " + status);
        }
        this.status = status;
    }

    public int status() {
        return status;
    }
}
