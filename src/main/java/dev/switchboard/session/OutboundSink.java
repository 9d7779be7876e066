package dev.switchboard.session;

/**
 * How one transport puts a {@link Batch} on the wire: what an {@link Outbound} pipeline writes
 * through. The pipeline calls {@link #write} from one thread at a time and never while a write is
 * in progress; the sink reports the end of each write to its {@link Done} exactly once, before or
 * after {@code write} returns, from any thread.
 *
 * <p>Implementations: a WebSocket session's remote ({@link WebSocketSink}), a non-blocking servlet
 * stream (SockJS's HTTP receivers and its hixie-76 connections).
 */
public interface OutboundSink {

    /**
     * Starts writing {@code batch}. A sink may block only when {@code onWriter} says it runs on one
     * of the deployment's writer threads (see {@link WriterPool}); otherwise it must not.
     */
    void write(Batch batch, boolean onWriter, Done done);

    /** The end of one write. */
    interface Done {

        /**
         * Written. With {@code endOfResponse}, this sink takes nothing more (a SockJS poll answered,
         * a streaming response at its byte limit): the pipeline detaches it and what is still
         * waiting stays for the next sink attached.
         */
        void written(boolean endOfResponse);

        /** The write failed: the pipeline closes, and its owner is told the cause. */
        void failed(Throwable cause);
    }
}
