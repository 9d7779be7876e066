package dev.switchboard.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Subscription patterns: {@code *} within one segment, {@code **} across segments. */
class DestinationPatternTest {

    @Test
    void starMatchesWithinOneSegmentOnly() {
        DestinationPattern p = DestinationPattern.compile("/topic/chat.*");
        assertTrue(p.matches("/topic/chat.lobby"));
        assertTrue(p.matches("/topic/chat."));
        assertFalse(p.matches("/topic/chat.lobby.deep"));
        assertFalse(p.matches("/topic/chat.lobby/x"));
        assertFalse(p.matches("/topic/chat"));
    }

    @Test
    void doubleStarMatchesAcrossSegments() {
        DestinationPattern p = DestinationPattern.compile("/topic/prices/**");
        assertTrue(p.matches("/topic/prices/eu"));
        assertTrue(p.matches("/topic/prices/eu/fr/paris"));
        assertFalse(p.matches("/topic/pricesx"));
        assertFalse(p.matches("/topic/other/eu"));
    }

    @Test
    void starsMayStandInTheMiddle() {
        DestinationPattern p = DestinationPattern.compile("/topic/*/alerts");
        assertTrue(p.matches("/topic/eu/alerts"));
        assertFalse(p.matches("/topic/eu/fr/alerts"));
        assertTrue(DestinationPattern.compile("/topic/**/alerts").matches("/topic/eu/fr/alerts"));
    }

    @Test
    void threeStarsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> DestinationPattern.compile("/topic/***"));
    }

    @Test
    void itsRedisGlobTakesEveryWildcardAsAStarAndEscapesTheRest() {
        assertEquals("/topic/prices.*", DestinationPattern.compile("/topic/prices.*").glob());
        assertEquals("/topic/*/alerts/*", DestinationPattern.compile("/topic/**/alerts/*").glob());
        assertEquals("/topic/a\\?b\\[c\\]\\\\*", DestinationPattern.compile("/topic/a?b[c]\\**").glob());
    }
}
