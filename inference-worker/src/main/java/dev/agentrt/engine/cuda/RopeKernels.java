package dev.agentrt.engine.cuda;

/** {@code rope.cu}: YaRN RoPE of q and k (spec §7) and the write of k and v into the paged KV cache. */
public final class RopeKernels {
    public static final String FAMILY = "rope";
    static final int THREADS = 128;

    private final Gpu gpu;
    private final Gpu.Kernel f32;
    private final Gpu.Kernel bf16;

    public RopeKernels(Gpu gpu) {
        this.gpu = gpu;
        this.f32 = gpu.kernel(FAMILY, "rope_kv_f32");
        this.bf16 = gpu.kernel(FAMILY, "rope_kv_bf16");
    }

    /**
     * For each row {@code r < rows} at position {@code positions[r]}: rotates the q heads of {@code qkv[r]} in place and
     * stores the rotated k heads and the v heads of the row in the cache page {@code pageTable[rowSeq[r]][pos / 32]}
     * of {@code layer} ({@link KvLayout}). {@code cos}/{@code sin} are {@code [positions, headDim/2]} tables.
     */
    public void ropeKv(DeviceBuffer qkv, int qkvStride, DeviceBuffer cos, DeviceBuffer sin, DeviceBuffer positions,
                       DeviceBuffer rowSeq, DeviceBuffer pageTable, int pagesPerSeq, DeviceBuffer kv, boolean kvBf16, int layer,
                       int layers, int heads, int kvHeads, int headDim, int rows) {
        gpu.launch(kvBf16 ? bf16 : f32, rows, 1, 1, THREADS, 0, new KernelArgs().ptr(qkv).i32(qkvStride).ptr(cos).ptr(sin)
                .ptr(positions).ptr(rowSeq).ptr(pageTable).i32(pagesPerSeq).ptr(kv).i32(layer).i32(layers).i32(heads)
                .i32(kvHeads).i32(headDim));
    }
}
