package dev.switchboard.stomp;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A session's open transactions: the SEND, ACK and NACK frames each holds until COMMIT. One
 * limit bounds them all: the frames held plus the transactions open.
 */
final class Transactions {

    private final int max;
    private final Map<String, List<StompFrame>> open = new HashMap<>();
    private int held;

    Transactions(int max) {
        this.max = max;
    }

    /** Null when begun, else why not. */
    String begin(String tx) {
        if (open.containsKey(tx)) {
            return "transaction \"" + tx + "\" is already open";
        }
        if (held + open.size() >= max) {
            return "too much held in transactions (at most " + max + " frames and open transactions)";
        }
        open.put(tx, new ArrayList<>());
        return null;
    }

    /** Null when held, else why not. */
    String add(String tx, StompFrame frame) {
        List<StompFrame> frames = open.get(tx);
        if (frames == null) {
            return "no open transaction \"" + tx + "\"";
        }
        if (held + open.size() >= max) {
            return "too much held in transactions (at most " + max + " frames and open transactions)";
        }
        frames.add(frame);
        held++;
        return null;
    }

    /** Removes the transaction and returns its frames in order; null when it is not open. */
    List<StompFrame> finish(String tx) {
        List<StompFrame> frames = tx == null ? null : open.remove(tx);
        if (frames != null) {
            held -= frames.size();
        }
        return frames;
    }

    void clear() {
        open.clear();
        held = 0;
    }
}
