package dev.switchboard.stomp;

import dev.switchboard.session.MemoryBudget;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A session's open transactions: the SEND, ACK and NACK frames each holds until COMMIT. Two
 * limits bound them: the frames held plus the transactions open, and their bytes, which are
 * charged to the session's memory budget until COMMIT or ABORT.
 */
final class Transactions {

    private final int max;
    private final MemoryBudget.Account account;
    private final Map<String, List<StompFrame>> open = new HashMap<>();
    private int held;
    private long heldBytes;

    Transactions(int max, MemoryBudget.Account account) {
        this.max = max;
        this.account = account;
    }

    /** About how many bytes of heap a held frame takes. */
    static long footprint(StompFrame frame) {
        long size = 128 + (frame.body() == null ? 0 : frame.body().length);
        StompHeaders headers = frame.headers();
        for (int i = 0; i < headers.size(); i++) {
            size += 48 + headers.name(i).length() + headers.value(i).length();
        }
        return size;
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
        long bytes = footprint(frame);
        try {
            account.reserve(MemoryBudget.Use.TRANSACTIONS, bytes);
        } catch (MemoryBudget.Refused e) {
            return "transaction \"" + tx + "\" cannot hold more: " + e.getMessage();
        }
        frames.add(frame);
        held++;
        heldBytes += bytes;
        return null;
    }

    /** Removes the transaction and returns its frames in order; null when it is not open. */
    List<StompFrame> finish(String tx) {
        List<StompFrame> frames = tx == null ? null : open.remove(tx);
        if (frames != null) {
            held -= frames.size();
            long bytes = 0;
            for (StompFrame f : frames) {
                bytes += footprint(f);
            }
            heldBytes -= bytes;
            account.release(MemoryBudget.Use.TRANSACTIONS, bytes);
        }
        return frames;
    }

    void clear() {
        open.clear();
        held = 0;
        account.release(MemoryBudget.Use.TRANSACTIONS, heldBytes);
        heldBytes = 0;
    }
}
