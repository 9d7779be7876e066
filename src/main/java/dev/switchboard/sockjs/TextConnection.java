package dev.switchboard.sockjs;

import dev.switchboard.session.Connection;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** A connection that carries text only (SockJS): bytes are sent as the UTF-8 text they encode. */
interface TextConnection extends Connection {

    @Override
    default boolean sendBinary(ByteBuffer data) {
        return sendText(StandardCharsets.UTF_8.decode(data.duplicate()).toString());
    }

    @Override
    default boolean sendBinaryBatched(byte[]... parts) {
        int length = 0;
        for (byte[] part : parts) {
            length += part.length;
        }
        ByteBuffer joined = ByteBuffer.allocate(length);
        for (byte[] part : parts) {
            joined.put(part);
        }
        return sendBinary(joined.flip());
    }
}
