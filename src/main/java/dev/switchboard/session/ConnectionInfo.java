package dev.switchboard.session;

import java.net.URI;
import java.security.Principal;
import java.util.List;
import java.util.Map;

/**
 * What a connection's endpoint may know about the HTTP request that opened it, copied once at
 * handshake time (the request itself is gone after the upgrade).
 *
 * @param remoteAddress         the client's address as the container sees it (after RemoteIpValve
 *                              or the like), or null when the container did not expose it
 * @param requestUri            the upgrade request's URI
 * @param headers               the configured request headers, names in lower case
 * @param attributes            the HTTP session's attributes when the request had a session, then
 *                              what the application's handshake interceptors put in
 * @param principal             the authenticated user of the HTTP request, or null
 */
public record ConnectionInfo(String remoteAddress, URI requestUri,
                             Map<String, List<String>> headers, Map<String, Object> attributes,
                             Principal principal) {

    /** The key under which the handshake leaves this in the session's user properties. */
    public static final String KEY = ConnectionInfo.class.getName();

    public ConnectionInfo {
        headers = Map.copyOf(headers);
        Map<String, Object> present = new java.util.HashMap<>();
        attributes.forEach((name, value) -> {
            if (value != null) {
                present.put(name, value);
            }
        });
        attributes = Map.copyOf(present);
    }

    /** The first value of a copied header, or null. */
    public String header(String name) {
        List<String> values = headers.get(name.toLowerCase(java.util.Locale.ROOT));
        return values == null || values.isEmpty() ? null : values.get(0);
    }
}
