package dev.switchboard.security;

import java.security.Principal;

/**
 * Decides who a protocol session (STOMP CONNECT) belongs to, from the credentials it presents
 * and the principal the HTTP upgrade request already had.
 */
public interface Authenticator {

    /**
     * @param login              the presented login, or null
     * @param passcode           the presented passcode, or null
     * @param handshakePrincipal the HTTP request's authenticated user, or null
     * @return the session's principal, or null for an anonymous session
     * @throws AuthenticationException when the credentials are wrong or anonymity is not allowed
     */
    Principal authenticate(String login, String passcode, Principal handshakePrincipal)
            throws AuthenticationException;
}
