package dev.switchboard.testing;

import dev.switchboard.stomp.StompDecoder;
import dev.switchboard.stomp.StompFrame;
import java.util.ArrayList;
import java.util.List;

/** Keeps what a {@link StompDecoder} reports: frames in order, the heart-beat count, the first malformation. */
public final class CollectingSink implements StompDecoder.Sink {
    public final List<StompFrame> frames = new ArrayList<>();
    public int heartbeats;
    public String malformed;
    public String receipt;

    @Override
    public void frame(StompFrame frame) {
        frames.add(frame);
    }

    @Override
    public void heartbeat() {
        heartbeats++;
    }

    @Override
    public void malformed(String reason, String receipt) {
        this.malformed = reason;
        this.receipt = receipt;
    }
}
