package dev.switchboard.security;

import java.security.Principal;

/**
 * Decides who a protocol session (STOMP CONNECT) belongs to, from the credentials it presents
 * and the principal its connection already had (a handshake token, or the container's login).
 */
public interface Authenticator {

    /** What a CONNECT frame presents: {@code login}, {@code passcode}, an {@code Authorization} header; each may be null. */
    record Credentials(String login, String passcode, String authorization) {
    }

    /**
     * @param handshakePrincipal the connection's user from its handshake, or null
     * @return the session's principal, or null for an anonymous session
     * @throws AuthenticationException when the credentials are wrong, or anonymity is not allowed;
     *                                 its message tells the client why and never echoes a credential
     */
    Principal authenticate(Credentials credentials, Principal handshakePrincipal) throws AuthenticationException;
}
