package dev.switchboard.handshake;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class OriginPolicyTest {

    private static OriginPolicy.Site http(String host) {
        return new OriginPolicy.Site("http", host, true);
    }

    private static OriginPolicy.Site https(String host) {
        return new OriginPolicy.Site("https", host, true);
    }

    private static final OriginPolicy.Site ANY_SITE = new OriginPolicy.Site("http", null, false);

    @Test
    void sameOriginComparesSchemeHostAndPortWithTheRequest() {
        OriginPolicy same = OriginPolicy.sameOrigin();
        assertTrue(same.allows("http://localhost:8080", http("localhost:8080")));
        assertTrue(same.allows("https://Example.com", https("example.com")));
        assertTrue(same.allows("https://example.com", https("example.com:443")));
        assertTrue(same.allows("http://[::1]:8080", http("[::1]:8080")));
        assertFalse(same.allows("http://localhost:8081", http("localhost:8080")));
        assertFalse(same.allows("http://evil.example:8080", http("localhost:8080")));
        assertFalse(same.allows("https://example.com", https("example.com:80")));
        assertFalse(same.allows("http://localhost:8080", http(null)));
        assertFalse(same.allows("null", http("localhost:8080")));
        assertFalse(same.allows("https://localhost:8080", http("localhost:8080")), "https page, http request");
        assertFalse(same.allows("ws://localhost:8080", http("localhost:8080")), "no browser sends a ws: Origin");
    }

    @Test
    void aHostThatIsNotOneOfTheServersNamesIsNeverSameOrigin() {
        // DNS rebinding: evil.example resolves to this server; its page's Origin matches its Host
        OriginPolicy same = OriginPolicy.sameOrigin();
        assertFalse(same.allows("http://evil.example:19191", new OriginPolicy.Site("http", "evil.example:19191", false)));
        assertTrue(OriginPolicy.hostName("[::1]:8080").equals("::1"));
        assertTrue(OriginPolicy.hostName("App.Example.com:443").equals("app.example.com"));
    }

    @Test
    void listedOriginsAreExactAndPatternsMatchSubdomainsOnly() {
        OriginPolicy listed = OriginPolicy.parse(List.of("https://app.example.com", "https://*.example.org",
                "http://localhost:3000"));
        assertTrue(listed.allows("https://app.example.com", ANY_SITE));
        assertTrue(listed.allows("https://app.example.com:443", ANY_SITE));
        assertTrue(listed.allows("http://localhost:3000", ANY_SITE));
        assertTrue(listed.allows("https://a.example.org", ANY_SITE));
        assertTrue(listed.allows("https://a.b.example.org", ANY_SITE));
        assertFalse(listed.allows("https://example.org", ANY_SITE));
        assertFalse(listed.allows("https://evilexample.org", ANY_SITE));
        assertFalse(listed.allows("http://a.example.org", ANY_SITE));
        assertFalse(listed.allows("https://a.example.org:8443", ANY_SITE));
        assertFalse(listed.allows("https://app.example.com.evil.net", ANY_SITE));
        assertFalse(listed.allows("http://localhost:3001", ANY_SITE));
    }

    @Test
    void starAllowsAnything() {
        OriginPolicy any = OriginPolicy.parse(List.of("*"));
        assertTrue(any.allows("https://whatever.example", ANY_SITE));
        assertTrue(any.allows("null", ANY_SITE));
    }

    @Test
    void malformedEntriesAreRefusedAtStartup() {
        assertThrows(IllegalArgumentException.class, () -> OriginPolicy.parse(List.of("example.com")));
        assertThrows(IllegalArgumentException.class, () -> OriginPolicy.parse(List.of("https://example.com/path")));
        assertThrows(IllegalArgumentException.class, () -> OriginPolicy.parse(List.of("https://ex*.com")));
        assertThrows(IllegalArgumentException.class, () -> OriginPolicy.parse(List.of("*", "https://a.example")));
    }
}
