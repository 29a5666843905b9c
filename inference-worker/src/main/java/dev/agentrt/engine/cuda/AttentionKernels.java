package dev.agentrt.engine.cuda;

import java.util.Set;

/**
 * {@code attention.cu}: GQA attention with sinks and the sliding band over the paged KV cache, split over the keys
 * (flash decoding) with the last block of each row combining the splits. One kernel serves decode and prefill rows.
 */
public final class AttentionKernels {
    public static final String FAMILY = "attention";
    static final int THREADS = 128;
    /** Keys per tile: one KV page ({@code KV_PAGE} in the kernels). */
    public static final int TILE = KvLayout.PAGE;
    static final int MAX_GROUP = 8;
    static final Set<Integer> HEAD_DIMS = Set.of(16, 32, 64, 128);

    private final Gpu gpu;
    private final Gpu.Kernel kernel;
    private final int headDim;
    private final int heads;
    private final int kvHeads;

    /** Kernels for one model shape and one KV element type. */
    public AttentionKernels(Gpu gpu, int heads, int kvHeads, int headDim, boolean kvBf16) {
        if (!HEAD_DIMS.contains(headDim)) {
            throw new CudaUnavailableException("the CUDA attention kernel supports head_dim " + HEAD_DIMS + ", not " + headDim);
        }
        if (kvHeads <= 0 || heads % kvHeads != 0 || heads / kvHeads > MAX_GROUP) {
            throw new CudaUnavailableException("the CUDA attention kernel needs at most " + MAX_GROUP
                    + " query heads per KV head, got " + heads + "/" + kvHeads);
        }
        this.gpu = gpu;
        this.heads = heads;
        this.kvHeads = kvHeads;
        this.headDim = headDim;
        this.kernel = gpu.kernel(FAMILY, "attention_d" + headDim + "_" + (kvBf16 ? "bf16" : "f32"));
    }

    /** How the keys of a row are split over blocks: {@code tilesPerSplit} tiles of 32 keys per block, at most {@code maxSplits} blocks. */
    public record Split(int tilesPerSplit, int maxSplits) {
        /** Splits of at least {@code minTiles} tiles, at most {@code targetSplits} of them for a row of {@code maxContext} keys. */
        public static Split of(int maxContext, int minTiles, int targetSplits) {
            int tiles = (maxContext - 1) / TILE + 1;
            int perSplit = Math.max(minTiles, (tiles + targetSplits - 1) / targetSplits);
            return new Split(perSplit, (tiles + perSplit - 1) / perSplit);
        }
    }

    /** Bytes of the partials buffer for {@code rows} rows under {@code split}. */
    public long partialsBytes(int rows, Split split) {
        return (long) rows * kvHeads * split.maxSplits() * (heads / kvHeads) * (headDim + 2) * Float.BYTES;
    }

    /** Bytes of the split counters for {@code rows} rows (zero them once; the kernel leaves them zero). */
    public long countersBytes(int rows) {
        return (long) rows * kvHeads * Integer.BYTES;
    }

    /**
     * Attention of rows {@code r < rows}: query heads from {@code qkv[r]} (after RoPE), keys {@code first..pos} of the
     * sequence {@code rowSeq[r]} ({@code first = pos − window + 1} when {@code window > 0}), output
     * {@code out[r·outStride + h·headDim + j]}.
     */
    public void attend(DeviceBuffer qkv, int qkvStride, DeviceBuffer positions, DeviceBuffer rowSeq, DeviceBuffer pageTable,
                       int pagesPerSeq, DeviceBuffer kv, int layer, int layers, DeviceBuffer sinks, float smScale, int window,
                       Split split, DeviceBuffer partials, DeviceBuffer counters, DeviceBuffer out, int outStride, int rows) {
        if (partials.bytes() < partialsBytes(rows, split) || counters.bytes() < countersBytes(rows)) {
            throw new IllegalArgumentException("attention scratch too small for " + rows + " rows");
        }
        gpu.launch(kernel, rows, kvHeads, split.maxSplits(), THREADS, 0, new KernelArgs().ptr(qkv).i32(qkvStride)
                .ptr(positions).ptr(rowSeq).ptr(pageTable).i32(pagesPerSeq).ptr(kv).i32(layer).i32(layers).i32(heads)
                .i32(kvHeads).ptr(sinks).f32(smScale).i32(window).i32(split.tilesPerSplit()).ptr(partials).ptr(counters)
                .ptr(out).i32(outStride));
    }
}
