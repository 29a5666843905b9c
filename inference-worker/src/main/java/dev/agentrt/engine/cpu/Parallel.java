package dev.agentrt.engine.cpu;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A fixed pool of threads, one per core, for data-parallel kernels. {@link #run} splits {@code [0, size)} into
 * chunks of {@code grain} that the caller and the workers claim from a shared counter; it returns when all are
 * done. Nothing is allocated per call. Only one thread may call {@link #run} at a time, and tasks must not nest.
 */
public final class Parallel implements AutoCloseable {
    /** A chunk of work; {@code worker} is in {@code [0, threads())} and identifies per-thread scratch. */
    @FunctionalInterface
    public interface RangeTask {
        void run(int worker, int start, int end);
    }

    private static final int SPINS = 20_000;

    private final int threads;
    private final Thread[] workers;
    private final AtomicInteger next = new AtomicInteger();
    private final AtomicInteger pending = new AtomicInteger();
    private volatile RangeTask task;
    private volatile int size;
    private volatile int grain;
    private volatile boolean guided;
    private volatile int generation;
    private volatile Thread caller;
    private volatile Throwable failure;
    private volatile boolean closed;

    public Parallel(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        this.threads = threads;
        this.workers = new Thread[threads - 1];
        for (int i = 0; i < workers.length; i++) {
            int id = i + 1;
            workers[i] = Thread.ofPlatform().daemon().name("agentrt-cpu-" + id).start(() -> workerLoop(id));
        }
    }

    /** One thread per available processor. */
    public static Parallel forAvailableCores() {
        return new Parallel(Runtime.getRuntime().availableProcessors());
    }

    public int threads() {
        return threads;
    }

    /**
     * One scratch array of {@code floats} per worker, each padded by a cache line: arrays allocated together sit
     * next to each other in the heap, so without the padding two workers writing their row sums (every ~100 ns in
     * the MXFP4 kernel) would bounce one shared cache line between the cores.
     */
    public float[][] scratch(int floats) {
        return new float[threads][floats + 16];
    }

    public void run(int size, int grain, RangeTask task) {
        run(size, grain, false, task);
    }

    /**
     * As {@link #run}, with chunks that start at a {@code 1/(2·threads)} share of what is left and shrink to {@code
     * minGrain}: long sequential stretches first (streaming kernels read at full speed only once the prefetcher has
     * followed a stretch for a while), and at the end chunks small enough that no thread waits long for the other.
     */
    public void runGuided(int size, int minGrain, RangeTask task) {
        run(size, minGrain, true, task);
    }

    private void run(int size, int grain, boolean guided, RangeTask task) {
        if (size <= 0) {
            return;
        }
        grain = Math.max(1, grain);
        if (threads == 1 || size <= grain) {
            task.run(0, 0, size);
            return;
        }
        this.task = task;
        this.size = size;
        this.grain = grain;
        this.guided = guided;
        this.failure = null;
        this.caller = Thread.currentThread();
        next.set(0);
        pending.set(workers.length);
        generation++; // volatile write: publishes the fields above to the workers
        for (Thread w : workers) {
            LockSupport.unpark(w);
        }
        try {
            work(0, task, size, grain, guided);
        } finally {
            for (int spins = 0; pending.get() != 0; spins++) {
                if (spins < SPINS) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.park(this);
                }
            }
            this.task = null;
        }
        Throwable f = failure;
        if (f != null) {
            throw new IllegalStateException("parallel kernel failed: " + f, f);
        }
    }

    private void work(int worker, RangeTask t, int n, int g, boolean guided) {
        if (!guided) {
            for (int s; (s = next.getAndAdd(g)) < n; ) {
                t.run(worker, s, Math.min(n, s + g));
            }
            return;
        }
        for (int s; (s = next.get()) < n; ) {
            int end = Math.min(n, s + Math.max(g, (n - s) / (2 * threads)));
            if (next.compareAndSet(s, end)) {
                t.run(worker, s, end);
            }
        }
    }

    private void workerLoop(int id) {
        int seen = 0;
        while (true) {
            for (int spins = 0; generation == seen && !closed; spins++) {
                if (spins < SPINS) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.park(this);
                }
            }
            if (closed) {
                return;
            }
            seen = generation;
            try {
                work(id, task, size, grain, guided);
            } catch (Throwable e) {
                failure = e;
            } finally {
                if (pending.decrementAndGet() == 0) {
                    LockSupport.unpark(caller);
                }
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        for (Thread w : workers) {
            LockSupport.unpark(w);
        }
    }
}
