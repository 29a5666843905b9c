package dev.agentrt.engine.cuda;

/** {@code embedding.cu}: the token embedding gather, fused with the first attention RMSNorm. */
public final class EmbeddingKernels {
    public static final String FAMILY = "embedding";
    static final int THREADS = 256;

    private final Gpu gpu;
    private final Gpu.Kernel embed;

    public EmbeddingKernels(Gpu gpu) {
        this.gpu = gpu;
        this.embed = gpu.kernel(FAMILY, "embed_rmsnorm");
    }

    /**
     * For {@code r < rows}: {@code x[r] = table[tokens[r]]} (BF16 {@code [vocab, dim]} to float32) and, when
     * {@code scale} is not null, {@code normed[r] = RMSNorm(x[r]) · scale}.
     */
    public void embed(DeviceBuffer table, int vocab, int dim, DeviceBuffer tokens, int rows, DeviceBuffer scale, float eps,
                      DeviceBuffer x, DeviceBuffer normed) {
        gpu.launch(embed, rows, 1, 1, THREADS, 0, new KernelArgs().ptr(table).ptr(tokens).i32(vocab).i32(dim).ptr(scale)
                .f32(eps).ptr(x).ptr(normed));
    }
}
