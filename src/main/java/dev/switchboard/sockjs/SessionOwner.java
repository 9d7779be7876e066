package dev.switchboard.sockjs;

import dev.switchboard.handshake.HandshakeIdentity;
import dev.switchboard.security.AuthenticationException;
import jakarta.servlet.http.HttpServletRequest;
import java.security.Principal;

/**
 * Who opened a SockJS session, so that its later requests (sends, polls, a new streaming request)
 * are served only to the same client: the same user once one is known (a verified token's or the
 * container's login), else the same address and, when the opening request had one, the same
 * {@code JSESSIONID}. Anything else is answered as if the session did not exist.
 *
 * @param user      the user's name, or null for an anonymous session
 * @param address   the client's address
 * @param jsession  the opening request's {@code JSESSIONID}, or null
 */
record SessionOwner(String user, String address, String jsession) {

    static SessionOwner of(HttpServletRequest request, Principal user) {
        return new SessionOwner(user == null ? null : user.getName(), request.getRemoteAddr(), SockJsHttp.jsessionId(request));
    }

    /** Whether the request comes from the owner. */
    boolean admits(HttpServletRequest request, HandshakeIdentity identity) {
        if (user != null) {
            try {
                Principal p = identity.identify(request);
                return p != null && p.getName().equals(user);
            } catch (AuthenticationException e) {
                return false;
            }
        }
        if (!address.equals(request.getRemoteAddr())) {
            return false;
        }
        return jsession == null || jsession.equals(SockJsHttp.jsessionId(request));
    }
}
