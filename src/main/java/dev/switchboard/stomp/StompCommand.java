package dev.switchboard.stomp;

import java.util.HashMap;
import java.util.Map;

/** The STOMP commands of versions 1.0 to 1.2, client and server side. */
public enum StompCommand {
    CONNECT(true), STOMP(true), SEND(true), SUBSCRIBE(true), UNSUBSCRIBE(true), ACK(true), NACK(true),
    BEGIN(true), COMMIT(true), ABORT(true), DISCONNECT(true),
    CONNECTED(false), MESSAGE(false), RECEIPT(false), ERROR(false);

    private static final Map<String, StompCommand> BY_NAME = new HashMap<>();

    static {
        for (StompCommand command : values()) {
            BY_NAME.put(command.name(), command);
        }
    }

    private final boolean fromClient;

    StompCommand(boolean fromClient) {
        this.fromClient = fromClient;
    }

    /** True for the commands a client sends. */
    public boolean fromClient() {
        return fromClient;
    }

    /** Frames whose body the spec allows: SEND, MESSAGE and ERROR. */
    public boolean mayHaveBody() {
        return this == SEND || this == MESSAGE || this == ERROR;
    }

    /** CONNECT, STOMP and CONNECTED headers are never escaped (STOMP 1.2, "Value Encoding"). */
    public boolean escapesHeaders() {
        return this != CONNECT && this != STOMP && this != CONNECTED;
    }

    /** The command of that exact (case-sensitive) name, or null. */
    public static StompCommand of(String name) {
        return BY_NAME.get(name);
    }
}
