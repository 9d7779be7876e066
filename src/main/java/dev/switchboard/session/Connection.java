package dev.switchboard.session;

import jakarta.websocket.CloseReason;
import java.nio.ByteBuffer;
import java.security.Principal;

/**
 * One client connection, whatever carries it (a WebSocket now; SockJS transports later).
 * Protocol code talks to this, never to the transport.
 */
public interface Connection {

    String id();

    /** The authenticated user, or null. */
    Principal principal();

    /** What the handshake learned about the client. */
    ConnectionInfo info();

    /**
     * What this connection is charged for what it makes the server hold (its outbound backlog;
     * the protocol's frames, transactions and queued messages). Opened with the connection,
     * closed when it ends.
     */
    MemoryBudget.Account account();

    /**
     * Queues a text message; it leaves in order, without blocking the caller. Returns false when
     * the connection is closed or was just closed because its outbound queue is full.
     */
    boolean sendText(String text);

    /**
     * Queues one text message made of these parts, for a publisher fanning out to many
     * connections: the parts are joined only when the message leaves (a pre-encoded message
     * shared by many recipients is not copied per recipient until then), and the write starts on
     * one of the deployment's writer threads, not the caller's, so the caller only queues and
     * messages that pile up for this connection meanwhile leave in one write.
     */
    boolean sendTextBatched(String... parts);

    /** As {@link #sendTextBatched}, as one binary message made of these parts (which must not change). */
    boolean sendBinaryBatched(byte[]... parts);

    /** Queues a binary message; see {@link #sendText}. The buffer must not be changed afterwards. */
    boolean sendBinary(ByteBuffer data);

    /** Closes with the given code and reason; does nothing when already closed. */
    void close(CloseReason reason);

    /** Closes once what is queued has been written (a last ERROR or RECEIPT frame, say). */
    void closeAfterSent(CloseReason reason);

    boolean isOpen();
}
