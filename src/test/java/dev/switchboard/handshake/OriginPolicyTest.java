package dev.switchboard.handshake;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class OriginPolicyTest {

    @Test
    void sameOriginComparesHostAndPortWithTheHostHeader() {
        OriginPolicy same = OriginPolicy.sameOrigin();
        assertTrue(same.allows("http://localhost:8080", "localhost:8080"));
        assertTrue(same.allows("https://Example.com", "example.com"));
        assertTrue(same.allows("https://example.com", "example.com:443"));
        assertTrue(same.allows("http://[::1]:8080", "[::1]:8080"));
        assertFalse(same.allows("http://localhost:8081", "localhost:8080"));
        assertFalse(same.allows("http://evil.example:8080", "localhost:8080"));
        assertFalse(same.allows("https://example.com", "example.com:80"));
        assertFalse(same.allows("http://localhost:8080", null));
        assertFalse(same.allows("null", "localhost:8080"));
    }

    @Test
    void listedOriginsAreExactAndPatternsMatchSubdomainsOnly() {
        OriginPolicy listed = OriginPolicy.parse(List.of("https://app.example.com", "https://*.example.org",
                "http://localhost:3000"));
        assertTrue(listed.allows("https://app.example.com", "anything"));
        assertTrue(listed.allows("https://app.example.com:443", null));
        assertTrue(listed.allows("http://localhost:3000", null));
        assertTrue(listed.allows("https://a.example.org", null));
        assertTrue(listed.allows("https://a.b.example.org", null));
        assertFalse(listed.allows("https://example.org", null));
        assertFalse(listed.allows("https://evilexample.org", null));
        assertFalse(listed.allows("http://a.example.org", null));
        assertFalse(listed.allows("https://a.example.org:8443", null));
        assertFalse(listed.allows("https://app.example.com.evil.net", null));
        assertFalse(listed.allows("http://localhost:3001", null));
    }

    @Test
    void starAllowsAnything() {
        OriginPolicy any = OriginPolicy.parse(List.of("*"));
        assertTrue(any.allows("https://whatever.example", null));
        assertTrue(any.allows("null", null));
    }

    @Test
    void malformedEntriesAreRefusedAtStartup() {
        assertThrows(IllegalArgumentException.class, () -> OriginPolicy.parse(List.of("example.com")));
        assertThrows(IllegalArgumentException.class, () -> OriginPolicy.parse(List.of("https://example.com/path")));
        assertThrows(IllegalArgumentException.class, () -> OriginPolicy.parse(List.of("https://ex*.com")));
        assertThrows(IllegalArgumentException.class, () -> OriginPolicy.parse(List.of("*", "https://a.example")));
    }
}
