package dev.switchboard.stomp;

import java.util.List;

/**
 * A STOMP protocol version and what differs between them on the wire: header value escaping
 * (none in 1.0; {@code \n \c \\} in 1.1; also {@code \r} in 1.2), NACK (1.1+), and the ACK
 * header form ({@code message-id} up to 1.1, {@code id} in 1.2).
 */
public enum StompVersion {
    V1_0("1.0", "v10.stomp"), V1_1("1.1", "v11.stomp"), V1_2("1.2", "v12.stomp");

    private final String number;
    private final String subprotocol;

    StompVersion(String number, String subprotocol) {
        this.number = number;
        this.subprotocol = subprotocol;
    }

    /** As written in {@code accept-version} and {@code version}: "1.0", "1.1", "1.2". */
    public String number() {
        return number;
    }

    /** The WebSocket subprotocol name, such as {@code v12.stomp}. */
    public String subprotocol() {
        return subprotocol;
    }

    public boolean escapes() {
        return this != V1_0;
    }

    public boolean escapesCarriageReturn() {
        return this == V1_2;
    }

    public static StompVersion ofNumber(String number) {
        for (StompVersion v : values()) {
            if (v.number.equals(number)) {
                return v;
            }
        }
        return null;
    }

    public static StompVersion ofSubprotocol(String subprotocol) {
        for (StompVersion v : values()) {
            if (v.subprotocol.equals(subprotocol)) {
                return v;
            }
        }
        return null;
    }

    /**
     * The highest version both sides speak. {@code acceptVersion} is the client's header (null
     * for a 1.0 client, which sends none); {@code offered} are the versions the server allows.
     * Null when there is none in common.
     */
    public static StompVersion negotiate(String acceptVersion, List<StompVersion> offered) {
        if (acceptVersion == null || acceptVersion.isBlank()) {
            return offered.contains(V1_0) ? V1_0 : null;
        }
        StompVersion best = null;
        for (String part : acceptVersion.split(",")) {
            StompVersion v = ofNumber(part.trim());
            if (v != null && offered.contains(v) && (best == null || v.compareTo(best) > 0)) {
                best = v;
            }
        }
        return best;
    }
}
