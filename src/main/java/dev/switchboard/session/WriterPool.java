package dev.switchboard.session;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The threads that start writes for fanned-out messages. Cheap to hand work to: a lock-free
 * queue, and a thread woken only when one is parked (a publisher fanning out to a thousand
 * connections wakes a writer once, not a thousand times). One turn of a writer is one write for
 * one connection, so connections take turns and what piles up meanwhile leaves together.
 */
public final class WriterPool implements Executor, AutoCloseable {

    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Thread> parked = new ConcurrentLinkedQueue<>();
    private final AtomicInteger parkedCount = new AtomicInteger();
    private final Thread[] threads;
    private volatile boolean stopped;

    public WriterPool(String name, int threads) {
        this.threads = new Thread[threads];
        for (int i = 0; i < threads; i++) {
            Thread t = new Thread(this::work, name + "-" + (i + 1));
            t.setDaemon(true);
            this.threads[i] = t;
            t.start();
        }
    }

    @Override
    public void execute(Runnable task) {
        if (stopped) {
            throw new RejectedExecutionException("writers stopped");
        }
        tasks.add(task);
        if (parkedCount.get() > 0) {
            Thread idle = parked.poll();
            if (idle != null) {
                LockSupport.unpark(idle);
            }
        }
    }

    private void work() {
        Thread me = Thread.currentThread();
        while (!stopped) {
            Runnable task = tasks.poll();
            if (task != null) {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    java.util.logging.Logger.getLogger(WriterPool.class.getName())
                            .log(java.util.logging.Level.WARNING, "a write task failed", e);
                }
                continue;
            }
            parked.add(me);
            parkedCount.incrementAndGet();
            if (tasks.isEmpty() && !stopped) { // re-checked after announcing: no wake-up is lost
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
            }
            parkedCount.decrementAndGet();
            parked.remove(me);
        }
    }

    /** Stops the threads; queued writes are dropped (their connections are closing anyway). */
    @Override
    public void close() {
        stopped = true;
        for (Thread t : threads) {
            LockSupport.unpark(t);
        }
        for (Thread t : threads) {
            try {
                t.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
