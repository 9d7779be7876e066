package dev.switchboard.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A message's body as text: when it is text, when not, and what a queue charges for it. */
class MessageTest {

    private static Message of(byte[] body) {
        return new Message("m1", "/queue/q", null, List.of("x-a", "1"), body);
    }

    @Test
    void anAsciiBodyIsTextMadeOnceOnFirstUse() {
        Message m = of("hello".getBytes(StandardCharsets.US_ASCII));
        String text = m.text();
        assertEquals("hello", text);
        assertSame(text, m.text(), "made once, then kept");
        assertEquals("hello", m.at("/user/queue/q").text());
    }

    @Test
    void validUtf8IsTextAndInvalidIsBinary() {
        assertEquals("grüße, 世界 🎉", of("grüße, 世界 🎉".getBytes(StandardCharsets.UTF_8)).text());
        assertNull(of(new byte[] {'o', 'k', (byte) 0xC3}).text(), "a cut sequence: binary");
        assertNull(of(new byte[] {(byte) 0xFF, 'a'}).text(), "not UTF-8 at all: binary");
        assertNull(of(new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}).text(), "a lone surrogate: binary");
        assertEquals("", of(new byte[0]).text(), "an empty body is (empty) text");
        assertEquals("a\u0000b", of(new byte[] {'a', 0, 'b'}).text(), "NUL is ASCII");
    }

    @Test
    void aTextBodyIsChargedForItsTextBeforeItIsMade() {
        byte[] body = new byte[60_000];
        java.util.Arrays.fill(body, (byte) 'x');
        Message text = of(body);
        byte[] binary = body.clone();
        binary[0] = (byte) 0xFF;
        Message bin = of(binary);
        assertEquals(60_000, text.footprint() - bin.footprint(), "the text it will hold is charged up front");
        assertTrue(bin.footprint() > 60_000);
    }

    @Test
    void threadsRacingForTheTextAllGetTheSameText() throws Exception {
        byte[] body = new byte[10_000];
        java.util.Arrays.fill(body, (byte) 'y');
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            String expected = "y".repeat(10_000);
            for (int round = 0; round < 200; round++) {
                Message m = of(body);
                CountDownLatch go = new CountDownLatch(1);
                String[] got = new String[8];
                CountDownLatch done = new CountDownLatch(8);
                for (int t = 0; t < 8; t++) {
                    int slot = t;
                    pool.execute(() -> {
                        try {
                            go.await();
                            got[slot] = m.text();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        } finally {
                            done.countDown();
                        }
                    });
                }
                go.countDown();
                assertTrue(done.await(10, TimeUnit.SECONDS));
                for (String text : got) {
                    assertEquals(expected, text, "every racing thread gets the whole text");
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
