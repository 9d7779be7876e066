package dev.switchboard.session;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The threads that start writes for fanned-out messages. Cheap to hand work to: a lock-free
 * queue, and a thread woken only when one is parked (a publisher fanning out to a thousand
 * connections wakes a writer once, not a thousand times). One turn of a writer is one write for
 * one connection, so connections take turns and what piles up meanwhile leaves together.
 *
 * <p>A turn may block (a direct write to a reader whose buffer just filled, see
 * {@link WebSocketSink}). A watchdog, awake while there is work, looks every
 * {@link #STALL_NANOS}: when turns wait and none was taken since its last look, it wakes a parked
 * writer, or when every writer has been busy for two looks starts a spare one (at most
 * {@link #MAX_SPARES}). Spares are never woken by new turns: they take what waits, and end after
 * a second without work. So turns behind blocked writers wait about 10 ms at most.
 */
public final class WriterPool implements Executor, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(WriterPool.class.getName());

    static final long STALL_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
    static final int MAX_SPARES = 32;
    private static final long PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final long IDLE_NANOS = TimeUnit.SECONDS.toNanos(1);

    /** One writer thread. */
    private static final class Worker {
        final boolean spare;
        volatile boolean busy;
        Thread thread;

        Worker(boolean spare) {
            this.spare = spare;
        }
    }

    private final String name;
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicLong taken = new AtomicLong();
    private final ConcurrentLinkedQueue<Thread> parked = new ConcurrentLinkedQueue<>();
    private final AtomicInteger parkedCount = new AtomicInteger();
    private final CopyOnWriteArrayList<Worker> workers = new CopyOnWriteArrayList<>();
    private final AtomicInteger spares = new AtomicInteger();
    private final AtomicBoolean watching = new AtomicBoolean();
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

    /**
     * A writer thread, with one slot for a cache its writes keep (SockJS's escaped shared parts):
     * owned by the deployment and gone with it, where a ThreadLocal on a container thread would
     * outlive the application (Tomcat reports such a leak on undeploy).
     */
    public static final class WriterThread extends Thread {
        private Object scratch;

        WriterThread(Runnable task, String name) {
            super(task, name);
        }

        /** This thread's cache of the given kind, made on first use. */
        @SuppressWarnings("unchecked")
        public <T> T scratch(Class<T> kind, java.util.function.Supplier<T> make) {
            if (!kind.isInstance(scratch)) {
                scratch = make.get();
            }
            return (T) scratch;
        }
    }

    private void start(Worker worker, String threadName) {
        Thread t = new WriterThread(() -> work(worker), threadName);
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

    private Runnable take() {
        Runnable task = tasks.poll();
        if (task != null) {
            taken.incrementAndGet();
        }
        return task;
    }

    private void wakeOne() {
        if (parkedCount.get() > 0) {
            Thread idle = parked.poll();
            if (idle != null) {
                LockSupport.unpark(idle);
            }
        }
    }

    /**
     * Parked until there is work; then every {@link #STALL_NANOS}: turns waiting and none taken
     * since the last look means whoever should take them is blocked or asleep. Parks again after
     * a second with nothing to do (a steady load keeps it on a timer, not woken per message).
     */
    private void watch() {
        long lastTaken = -1;
        long idleSince = 0;
        int stalledLooks = 0;
        while (!stopped) {
            if (!watching.get()) {
                LockSupport.park(this);
                continue;
            }
            LockSupport.parkNanos(this, STALL_NANOS);
            long now = System.nanoTime();
            long t = taken.get();
            if (!tasks.isEmpty()) {
                idleSince = 0;
                stalledLooks = t == lastTaken ? stalledLooks + 1 : 0;
                if (stalledLooks > 0) {
                    unstall(stalledLooks);
                }
            } else if (workers.stream().noneMatch(w -> w.busy)) {
                if (idleSince == 0) {
                    idleSince = now;
                } else if (now - idleSince > IDLE_NANOS) {
                    idleSince = 0;
                    watching.set(false);
                    if (!tasks.isEmpty()) { // queued meanwhile: its execute may have seen watching still set
                        watching.set(true);
                    }
                }
            }
            lastTaken = t;
        }
    }

    /**
     * Turns wait and nobody took one for {@code looks} looks: wake a parked writer; when all are
     * busy for a second look running (not just descheduled for a moment), add a spare.
     */
    private void unstall(int looks) {
        if (parkedCount.get() > 0) {
            wakeOne();
            return;
        }
        if (looks < 2) {
            return;
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
                Runnable task = take();
                if (task != null) {
                    me.busy = true;
                    run(task);
                    me.busy = false;
                    idleSince = System.nanoTime();
                    continue;
                }
                if (me.spare) {
                    // not among the parked writers a new turn wakes: a spare only takes what waits, then ends
                    if (System.nanoTime() - idleSince > IDLE_NANOS) {
                        return;
                    }
                    LockSupport.parkNanos(STALL_NANOS);
                    continue;
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

    /** Writer threads now running, spares included. */
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
