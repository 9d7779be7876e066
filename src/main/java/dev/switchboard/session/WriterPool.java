package dev.switchboard.session;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The threads that start writes for fanned-out messages. Cheap to hand work to: a lock-free
 * queue, and a thread woken only when one is parked (a publisher fanning out to a thousand
 * connections wakes a writer once, not a thousand times). One turn of a writer is one write for
 * one connection, so connections take turns and what piles up meanwhile leaves together.
 *
 * <p>A write turn may block (a direct write to a reader whose buffer just filled, see
 * {@link OutboundQueue}). A watchdog thread, awake only while turns are queued or running, looks
 * every {@link #STUCK_NANOS}: when turns wait and every writer has been in one turn longer than
 * that, it starts a spare writer (at most {@link #MAX_SPARES}), so the other connections' writes
 * go on; spares end after a second without work.
 */
public final class WriterPool implements Executor, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(WriterPool.class.getName());

    static final long STUCK_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
    static final int MAX_SPARES = 32;
    private static final long PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final long SPARE_IDLE_NANOS = TimeUnit.SECONDS.toNanos(1);


    /** One writer thread and when its current turn started (0: between turns). */
    private static final class Worker {
        final boolean spare;
        volatile long busySince;
        Thread thread;

        Worker(boolean spare) {
            this.spare = spare;
        }
    }

    private final String name;
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Thread> parked = new ConcurrentLinkedQueue<>();
    private final AtomicInteger parkedCount = new AtomicInteger();
    private final CopyOnWriteArrayList<Worker> workers = new CopyOnWriteArrayList<>();
    private final AtomicInteger spares = new AtomicInteger();
    private final java.util.concurrent.atomic.AtomicBoolean watching = new java.util.concurrent.atomic.AtomicBoolean();
    private final Thread watchdog;
    private volatile boolean stopped;

    public WriterPool(String name, int threads) {
        this.name = name;
        for (int i = 0; i < threads; i++) {
            start(new Worker(false), name + "-" + (i + 1));
        }
        watchdog = new Thread(this::watch, name + "-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
    }

    private void start(Worker worker, String threadName) {
        Thread t = new Thread(() -> work(worker), threadName);
        t.setDaemon(true);
        worker.thread = t;
        workers.add(worker);
        t.start();
    }

    @Override
    public void execute(Runnable task) {
        if (stopped) {
            throw new RejectedExecutionException("writers stopped");
        }
        tasks.add(task);
        wakeOne();
        if (!watching.get() && watching.compareAndSet(false, true)) {
            LockSupport.unpark(watchdog);
        }
    }

    /** Sleeps until turns are queued; then checks for stuck writers every {@link #STUCK_NANOS} until all is idle. */
    private void watch() {
        while (!stopped) {
            if (!watching.get()) {
                LockSupport.park(this);
                continue;
            }
            LockSupport.parkNanos(this, STUCK_NANOS);
            addSpareIfStuck();
            if (tasks.isEmpty() && workers.stream().allMatch(w -> w.busySince == 0)) {
                watching.set(false);
                if (!tasks.isEmpty()) { // queued meanwhile: its execute may have seen watching still set
                    watching.set(true);
                }
            }
        }
    }

    private void wakeOne() {
        if (parkedCount.get() > 0) {
            Thread idle = parked.poll();
            if (idle != null) {
                LockSupport.unpark(idle);
            }
        }
    }

    /** Starts a spare writer when turns wait and every writer has been stuck in one turn for a while. */
    private void addSpareIfStuck() {
        if (parkedCount.get() > 0 || tasks.isEmpty() || spares.get() >= MAX_SPARES) {
            return;
        }
        long now = System.nanoTime();
        for (Worker w : workers) {
            long since = w.busySince;
            if (since == 0 || now - since < STUCK_NANOS) {
                return;
            }
        }
        int n = spares.incrementAndGet();
        if (n > MAX_SPARES) {
            spares.decrementAndGet();
            return;
        }
        LOG.fine(() -> "every writer is blocked in a write: starting spare writer " + n);
        start(new Worker(true), name + "-spare");
    }

    private static void run(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "a write task failed", e);
        }
    }

    private void work(Worker me) {
        Thread thread = Thread.currentThread();
        long idleSince = System.nanoTime();
        try {
            while (!stopped) {
                Runnable task = tasks.poll();
                if (task != null) {
                    me.busySince = System.nanoTime();
                    run(task);
                    me.busySince = 0;
                    idleSince = System.nanoTime();
                    continue;
                }
                if (me.spare && System.nanoTime() - idleSince > SPARE_IDLE_NANOS) {
                    return;
                }
                parked.add(thread);
                parkedCount.incrementAndGet();
                if (tasks.isEmpty() && !stopped) { // re-checked after announcing: no wake-up is lost
                    LockSupport.parkNanos(PARK_NANOS);
                }
                parkedCount.decrementAndGet();
                parked.remove(thread);
            }
        } finally {
            if (me.spare) {
                workers.remove(me);
                spares.decrementAndGet();
            }
        }
    }

    /** Threads now writing or waiting to (for tests and stats). */
    public int threads() {
        return workers.size();
    }

    /** Stops the threads; queued writes are dropped (their connections are closing anyway). */
    @Override
    public void close() {
        stopped = true;
        LockSupport.unpark(watchdog);
        for (Worker w : workers) {
            LockSupport.unpark(w.thread);
        }
        for (Worker w : workers) {
            try {
                w.thread.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
