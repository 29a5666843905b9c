package dev.agentrt.engine.cuda;

import dev.agentrt.kv.KvCache;
import java.lang.ref.Cleaner;
import java.util.Arrays;

/**
 * The KV cache of one sequence on the GPU: a page table into the engine's page pool. A page holds
 * {@link #PAGE} positions of every layer: for layer {@code l}, K then V, {@code kvHeads} blocks of
 * {@code [PAGE, headDim]} (float32 or BF16; see {@code rope.cu}). Pages are taken as the sequence grows and go back
 * to the pool when the cache is {@link #release released} or garbage-collected. Keys are stored after RoPE. Sliding
 * layers keep every position like the full ones (the kernels read only the band), which keeps one page table for all
 * layers.
 */
public final class CudaKvCache implements KvCache {
    /** Positions per page (the kernels' {@code KV_PAGE}). */
    public static final int PAGE = KvLayout.PAGE;
    private static final Cleaner CLEANER = Cleaner.create();

    /** The pages, shared with the cleaner (which must not reach the cache itself). */
    private static final class Pages implements Runnable {
        final KvPagePool pool;
        int[] ids;
        int count;

        Pages(KvPagePool pool, int max) {
            this.pool = pool;
            this.ids = new int[max];
        }

        @Override
        public synchronized void run() {
            pool.giveLater(Arrays.copyOf(ids, count));
            count = 0;
        }
    }

    private final CudaEngine engine;
    private final int capacity;
    private final Pages pages;
    private final Cleaner.Cleanable cleanable;
    private int length;
    private boolean released;

    private final long bytesPerPage;

    CudaKvCache(CudaEngine engine, KvPagePool pool, int capacity, long bytesPerPosition) {
        this.engine = engine;
        this.bytesPerPage = bytesPerPosition * PAGE;
        this.capacity = capacity;
        this.pages = new Pages(pool, (capacity + PAGE - 1) / PAGE);
        this.cleanable = CLEANER.register(this, pages);
    }

    CudaEngine engine() {
        return engine;
    }

    @Override
    public int length() {
        return length;
    }

    @Override
    public int capacity() {
        return capacity;
    }

    @Override
    public void reset() {
        length = 0;
    }

    /** Pages for positions up to {@code newLength − 1}; fails past the capacity or when the pool is empty. */
    void ensure(int newLength) {
        if (released) {
            throw new IllegalStateException("this KV cache was released");
        }
        if (newLength > capacity) {
            throw new IllegalStateException("context overflow: " + newLength + " positions, cache capacity " + capacity);
        }
        int needed = (newLength + PAGE - 1) / PAGE;
        synchronized (pages) {
            while (pages.count < needed) {
                pages.ids[pages.count] = pages.pool.take();
                pages.count++;
            }
        }
    }

    void advance(int tokens) {
        length += tokens;
    }

    int pageCount() {
        return pages.count;
    }

    /** GPU memory this cache holds now (its pages). */
    public long deviceBytes() {
        return pages.count * bytesPerPage;
    }

    /** Copies the page table into {@code dst} at {@code offset} (as ints). */
    void writePageTable(java.lang.foreign.MemorySegment dst, long offset) {
        java.lang.foreign.MemorySegment.copy(pages.ids, 0, dst, java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED, offset,
                pages.count);
    }

    /** Returns the pages to the pool now; the cache cannot be used afterwards. */
    public void release() {
        if (!released) {
            released = true;
            synchronized (pages) {
                pages.pool.give(pages.ids, pages.count);
                pages.count = 0;
            }
            cleanable.clean();
        }
    }
}
