package dev.agentrt.engine.cuda;

/**
 * The layout of the device KV cache pool, shared by {@code rope.cu} (writes), {@code attention.cu} (reads) and
 * {@code CudaKvCache}: pages of {@link #PAGE} positions; page {@code p} holds, for every layer and for K then V,
 * {@code kvHeads} blocks of {@code [PAGE, headDim]} elements (float32 or BF16). A sequence's page table lists its
 * pages in position order.
 */
public final class KvLayout {
    /** Positions per page (the kernels' {@code KV_PAGE}). */
    public static final int PAGE = 32;

    private KvLayout() {
    }

    /** Element index of (page, layer, kind 0 = K / 1 = V, head, slot in the page, j). */
    public static long element(int page, int layer, int layers, int kind, int head, int kvHeads, int slot, int j,
                               int headDim) {
        return (((((long) page * layers + layer) * 2 + kind) * kvHeads + head) * PAGE + slot) * headDim + j;
    }
}
