package dev.switchboard.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class AssemblerTest {

    @Test
    void textPartsJoinUpToTheLimit() {
        TextAssembler text = new TextAssembler(10);
        assertNull(text.append("abc", false));
        assertNull(text.append("defg", false));
        assertEquals("abcdefghij", text.append("hij", true));
        assertEquals("0123456789", text.append("0123456789", true));
    }

    @Test
    void textOverTheLimitFailsBeforeBeingHeld() {
        TextAssembler text = new TextAssembler(10);
        text.append("abcdef", false);
        assertThrows(MessageTooBigException.class, () -> text.append("ghijk", false));
        assertEquals("fresh", text.append("fresh", true)); // the next message starts clean
        assertThrows(MessageTooBigException.class, () -> text.append("01234567890", true));
    }

    @Test
    void binaryPartsJoinUpToTheLimitAndAreCopied() {
        BinaryAssembler binary = new BinaryAssembler(300);
        ByteBuffer reused = ByteBuffer.allocate(200);
        for (int i = 0; i < 200; i++) {
            reused.put((byte) i);
        }
        assertNull(binary.append(reused.flip(), false));
        reused.clear().put(new byte[100]).flip();
        ByteBuffer whole = binary.append(reused, true);
        assertEquals(300, whole.remaining());
        assertEquals((byte) 199, whole.get(199));
        assertEquals(0, whole.get(299));
        assertThrows(MessageTooBigException.class, () -> binary.append(ByteBuffer.allocate(301), true));
    }
}
