package dev.switchboard.broker.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Reading {@code broker.relay}: a single Redis or a cluster, and where the keys go. */
class TargetTest {

    @Test
    void aSingleRedisKeepsPlainKeys() {
        Target t = Target.parse("redis://:secret@10.0.0.5:6380/2");
        assertFalse(t.cluster());
        assertEquals("ns:", t.keyPrefix("ns"));
        assertEquals("10.0.0.5:6380/2", t.toString());
    }

    @Test
    void aClusterNamesItsSeedsAndTagsEveryKeyWithTheNamespace() {
        Target t = Target.parse("redis-cluster://:secret@10.0.0.1:7000,10.0.0.2:7001,10.0.0.3");
        assertTrue(t.cluster());
        assertEquals("{ns}:", t.keyPrefix("ns"), "one slot for all of a namespace's keys");
        assertEquals("cluster 10.0.0.1:7000,10.0.0.2:7001,10.0.0.3:6379", t.toString());
        assertFalse(t.toString().contains("secret"));
        assertTrue(Target.parse("rediss-cluster://10.0.0.1:7000").cluster());
    }

    @Test
    void unreadableClusterAddressesAreRefusedClearly() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Target.parse("redis-cluster://10.0.0.1:notaport"));
        assertTrue(e.getMessage() != null && !e.getMessage().isBlank(), String.valueOf(e.getMessage()));
        assertThrows(IllegalArgumentException.class, () -> Target.parse("redis-cluster://"));
    }
}
