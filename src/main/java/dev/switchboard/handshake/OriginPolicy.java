package dev.switchboard.handshake;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Which browser origins may open a WebSocket: the same origin only (the default), any, or an
 * allow-list of exact origins and subdomain patterns such as {@code https://*.example.com}.
 * A request without an Origin header (not a browser) is not this policy's business: the
 * configurator lets it through.
 */
public final class OriginPolicy {

    private enum Mode { SAME_ORIGIN, ANY, LISTED }

    /** An origin reduced to what is compared: scheme, lower-case host, explicit port. */
    private record Origin(String scheme, String host, int port) {

        static Origin parse(String text) {
            URI uri;
            try {
                uri = new URI(text.trim());
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException("not an origin: " + text);
            }
            String scheme = uri.getScheme();
            String host = uri.getHost();
            if (scheme == null || host == null || (uri.getPath() != null && !uri.getPath().isEmpty())
                    || uri.getQuery() != null || uri.getFragment() != null || uri.getUserInfo() != null) {
                throw new IllegalArgumentException("not an origin (scheme://host[:port]): " + text);
            }
            scheme = scheme.toLowerCase(Locale.ROOT);
            int port = uri.getPort() == -1 ? defaultPort(scheme) : uri.getPort();
            return new Origin(scheme, host.toLowerCase(Locale.ROOT), port);
        }
    }

    private final Mode mode;
    private final List<Origin> exact;
    private final List<Origin> subdomainsOf; // host holds the parent domain, with a leading dot

    private OriginPolicy(Mode mode, List<Origin> exact, List<Origin> subdomainsOf) {
        this.mode = mode;
        this.exact = exact;
        this.subdomainsOf = subdomainsOf;
    }

    public static OriginPolicy sameOrigin() {
        return new OriginPolicy(Mode.SAME_ORIGIN, List.of(), List.of());
    }

    /**
     * Parses the {@code allowed.origins} setting: empty means same origin, {@code *} means any,
     * anything else is a list of origins and {@code scheme://*.domain[:port]} patterns.
     *
     * @throws IllegalArgumentException naming the entry that is no origin
     */
    public static OriginPolicy parse(List<String> entries) {
        if (entries.isEmpty()) {
            return sameOrigin();
        }
        if (entries.contains("*")) {
            if (entries.size() > 1) {
                throw new IllegalArgumentException("`*` allows every origin; list nothing else with it");
            }
            return new OriginPolicy(Mode.ANY, List.of(), List.of());
        }
        List<Origin> exact = new ArrayList<>();
        List<Origin> patterns = new ArrayList<>();
        for (String entry : entries) {
            int star = entry.indexOf("://*.");
            if (star > 0) {
                Origin parent = Origin.parse(entry.substring(0, star + 3) + entry.substring(star + 5));
                patterns.add(new Origin(parent.scheme(), "." + parent.host(), parent.port()));
            } else if (entry.contains("*")) {
                throw new IllegalArgumentException("a pattern is scheme://*.domain[:port]: " + entry);
            } else {
                exact.add(Origin.parse(entry));
            }
        }
        return new OriginPolicy(Mode.LISTED, List.copyOf(exact), List.copyOf(patterns));
    }

    /**
     * What the same-origin rule compares an Origin with.
     *
     * @param scheme     the request's scheme as a browser's Origin would name it: {@code http} or {@code https}
     * @param hostHeader the request's Host header, or null
     * @param publicName whether that Host names this server (one of its configured public host
     *                   names): a name that merely resolves here (DNS rebinding) does not
     */
    public record Site(String scheme, String hostHeader, boolean publicName) {
    }

    /** Whether a browser at {@code origin} may connect to {@code site}. */
    public boolean allows(String origin, Site site) {
        if (mode == Mode.ANY) {
            return true;
        }
        Origin from;
        try {
            from = Origin.parse(origin);
        } catch (IllegalArgumentException e) {
            return false; // "null" (sandboxed frames, files) and junk are never an allowed origin
        }
        if (mode == Mode.SAME_ORIGIN) {
            return site.hostHeader() != null && site.publicName() && from.scheme().equals(site.scheme())
                    && sameHostAndPort(from, site.hostHeader());
        }
        if (exact.contains(from)) {
            return true;
        }
        for (Origin pattern : subdomainsOf) {
            if (pattern.scheme().equals(from.scheme()) && pattern.port() == from.port()
                    && from.host().endsWith(pattern.host())) {
                return true;
            }
        }
        return false;
    }

    /** Whether every origin is allowed ({@code allowed.origins=*}). */
    public boolean allowsAny() {
        return mode == Mode.ANY;
    }

    /** The host part of a Host header, lower case, without port or IPv6 brackets. */
    static String hostName(String hostHeader) {
        String host = hostHeader.trim().toLowerCase(Locale.ROOT);
        int colon = host.lastIndexOf(':');
        if (colon > host.lastIndexOf(']')) {
            host = host.substring(0, colon);
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return host;
    }

    private static boolean sameHostAndPort(Origin origin, String hostHeader) {
        String host = hostHeader.trim().toLowerCase(Locale.ROOT);
        int port = defaultPort(origin.scheme()); // a Host without port names the default one
        int colon = host.lastIndexOf(':');
        if (colon > host.lastIndexOf(']')) { // a port, not a colon inside an IPv6 literal
            try {
                port = Integer.parseInt(host.substring(colon + 1));
            } catch (NumberFormatException e) {
                return false;
            }
            host = host.substring(0, colon);
        }
        return origin.host().equals(host) && origin.port() == port;
    }

    private static int defaultPort(String scheme) {
        return switch (scheme) {
            case "http", "ws" -> 80;
            case "https", "wss" -> 443;
            default -> -1;
        };
    }

    @Override
    public String toString() {
        return switch (mode) {
            case SAME_ORIGIN -> "same origin";
            case ANY -> "any origin";
            case LISTED -> "origins " + exact + " and subdomains of " + subdomainsOf;
        };
    }
}
