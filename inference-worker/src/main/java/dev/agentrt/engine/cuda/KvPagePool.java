package dev.agentrt.engine.cuda;

import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The pages of the device KV cache ({@link CudaKvCache#PAGE} positions of every layer each): a free list owned by
 * the engine's thread, plus a queue where caches that were garbage-collected hand their pages back (from the
 * {@link java.lang.ref.Cleaner} thread) until the engine thread takes them.
 */
final class KvPagePool {
    private final int pages;
    private final int[] free;
    private int freeCount;
    private final ConcurrentLinkedQueue<int[]> returned = new ConcurrentLinkedQueue<>();
    private volatile boolean closed;

    KvPagePool(int pages) {
        this.pages = pages;
        this.free = new int[pages];
        for (int i = 0; i < pages; i++) {
            free[i] = pages - 1 - i; // pop from the end: low page ids first
        }
        this.freeCount = pages;
    }

    int pages() {
        return pages;
    }

    int freePages() {
        drain();
        return freeCount;
    }

    /** A free page id; reclaims pages of collected caches first, fails with a clear message when none is left. */
    int take() {
        if (freeCount == 0) {
            drain();
        }
        if (freeCount == 0) {
            System.gc(); // caches dropped by their owners return their pages when collected
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            drain();
        }
        if (freeCount == 0) {
            throw new IllegalStateException("the GPU KV cache is full: all " + pages + " pages of " + CudaKvCache.PAGE
                    + " positions (" + (long) pages * CudaKvCache.PAGE + " positions) are in use; decode fewer or shorter "
                    + "sequences at once, or give the cache more GPU memory");
        }
        return free[--freeCount];
    }

    /** Gives pages back (engine thread). */
    void give(int[] ids, int count) {
        for (int i = 0; i < count; i++) {
            free[freeCount++] = ids[i];
        }
    }

    /** Gives pages back from any thread (a cache's cleaner). */
    void giveLater(int[] ids) {
        if (!closed && ids.length > 0) {
            returned.add(ids);
        }
    }

    private void drain() {
        for (int[] ids; (ids = returned.poll()) != null; ) {
            give(ids, ids.length);
        }
    }

    void close() {
        closed = true;
        returned.clear();
    }
}
