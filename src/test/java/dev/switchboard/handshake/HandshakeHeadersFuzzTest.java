package dev.switchboard.handshake;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The handshake's header parsing on arbitrary and mutated Origin and Host headers: the origin
 * check answers yes or no and never throws; the allow-list parser refuses a bad entry only with
 * {@code IllegalArgumentException}.
 */
class HandshakeHeadersFuzzTest {

    private static final List<OriginPolicy> POLICIES = List.of(OriginPolicy.sameOrigin(),
            OriginPolicy.parse(List.of("https://app.example.com:8443", "https://*.example.com")),
            OriginPolicy.parse(List.of("*")));

    @Provide
    Arbitrary<String> headers() {
        Arbitrary<String> noise = Arbitraries.strings().withChars("htps:/[]@%.*:0123456789abcexmpl-\u00e9 \t").ofMaxLength(60);
        Arbitrary<String> mutated = Arbitraries.of("https://app.example.com:8443", "http://[::1]:8080", "null",
                        "ws://x.example.com", "http://a.example.com:99999", "app.example.com:8443")
                .flatMap(h -> Arbitraries.integers().between(0, h.length()).flatMap(at ->
                        Arbitraries.strings().withChars(":/[]@%*.x \u0000").ofMaxLength(3)
                                .map(in -> h.substring(0, at) + in + h.substring(at))));
        return Arbitraries.oneOf(noise, mutated);
    }

    @Property(tries = 3000)
    void theOriginCheckAnswersAndNeverThrows(@ForAll("headers") String origin, @ForAll("headers") String host) {
        for (OriginPolicy policy : POLICIES) {
            policy.allows(origin, new OriginPolicy.Site("http", host, true));
            policy.allows(origin, new OriginPolicy.Site("https", null, false));
            OriginPolicy.hostName(host);
        }
    }

    @Property(tries = 1000)
    void aBadAllowListEntryIsRefusedWithItsOwnError(@ForAll("headers") String entry) {
        try {
            OriginPolicy.parse(List.of(entry));
        } catch (IllegalArgumentException expected) {
            // the deployment stops naming the setting
        }
    }
}
