package dev.switchboard.broker.redis;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The one thread, the relay's own, that calls into Lettuce for everyone else. Netty leaves a
 * thread-local map on any thread that writes to one of its channels; on a container thread that
 * map (a class of the application's) would outlive the application and keep its class loader after
 * an undeploy. So container threads, writers and timers never call Lettuce: they hand the call to
 * this thread and, when they need the answer, wait for it with a bound. Its queue is bounded too,
 * in calls and in the bytes of the messages they carry ({@link #BYTES_MAX}: a Redis that stops
 * answering must not let publishers pile messages up in the heap): what does not fit is refused at
 * once (the caller counts it), never buffered without end.
 *
 * <p>One thread keeps the calls in the order they were handed over, so one publisher's messages
 * reach Redis in its order.
 */
final class Issuer implements AutoCloseable {

    static final int QUEUE_MAX = 100_000;
    /** Most bytes of messages handed over and not yet done with (waiting here, or sent and not answered). */
    static final long BYTES_MAX = 16L << 20;

    private final java.util.concurrent.atomic.AtomicLong heldBytes = new java.util.concurrent.atomic.AtomicLong();

    private final ThreadPoolExecutor thread = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
            new LinkedBlockingQueue<>(QUEUE_MAX), task -> {
                Thread t = new Thread(task, "switchboard-redis-issuer");
                t.setDaemon(true);
                return t;
            }, new ThreadPoolExecutor.AbortPolicy());

    /** Runs {@code call} on the issuing thread later; false when its queue is full or it is stopped. */
    boolean fire(Runnable call) {
        try {
            thread.execute(call);
            return true;
        } catch (RejectedExecutionException full) {
            return false;
        }
    }

    /**
     * Issues a command on the issuing thread and waits for its answer.
     *
     * @throws Exception the command's failure, a {@link TimeoutException}, or a
     *                   {@link RejectedExecutionException} when the queue is full
     */
    <T> T call(Callable<? extends CompletionStage<T>> command, Duration timeout) throws Exception {
        CompletableFuture<T> answer = new CompletableFuture<>();
        if (!fire(() -> {
            try {
                command.call().whenComplete((value, failure) -> {
                    if (failure != null) {
                        answer.completeExceptionally(failure);
                    } else {
                        answer.complete(value);
                    }
                });
            } catch (Throwable e) {
                answer.completeExceptionally(e);
            }
        })) {
            throw new RejectedExecutionException("too many Redis calls waiting");
        }
        try {
            return answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }

    /** Runs blocking work (connecting, shutting down) on the issuing thread and waits for it. */
    <T> T run(Callable<T> work, Duration timeout) throws Exception {
        java.util.concurrent.Future<T> done = thread.submit(work);
        try {
            return done.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }

    boolean onIssuingThread() {
        return Thread.currentThread().getName().equals("switchboard-redis-issuer");
    }

    /**
     * Issues {@code command}, whose message is about {@code bytes}, on the issuing thread later, and
     * counts those bytes against {@link #BYTES_MAX} until Redis answers it (a command already sent
     * keeps its message until then). False, holding nothing, when that would go past the bound, the
     * queue is full or it is stopped; {@code failed} is told when the command could not be made or
     * Redis answered with a failure (a timeout among them).
     */
    boolean issue(long bytes, Callable<? extends CompletionStage<?>> command, Runnable failed) {
        if (heldBytes.addAndGet(bytes) > BYTES_MAX) {
            heldBytes.addAndGet(-bytes);
            return false;
        }
        boolean handed = fire(() -> {
            CompletionStage<?> answer;
            try {
                answer = command.call();
            } catch (Exception e) {
                heldBytes.addAndGet(-bytes);
                failed.run();
                return;
            }
            answer.whenComplete((value, failure) -> {
                heldBytes.addAndGet(-bytes);
                if (failure != null) {
                    failed.run();
                }
            });
        });
        if (!handed) {
            heldBytes.addAndGet(-bytes);
        }
        return handed;
    }

    /** Bytes of messages handed over and not yet answered by Redis. */
    long heldBytes() {
        return heldBytes.get();
    }

    /** Calls handed over so far and not yet issued. */
    int waiting() {
        return thread.getQueue().size();
    }

    /** Stops after what was handed over; waits for the thread to end (bounded). */
    @Override
    public void close() {
        thread.shutdown();
        try {
            if (!thread.awaitTermination(5, TimeUnit.SECONDS)) {
                thread.shutdownNow();
                thread.awaitTermination(2, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            thread.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
