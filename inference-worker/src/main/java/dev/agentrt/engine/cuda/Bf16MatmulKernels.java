package dev.agentrt.engine.cuda;

/**
 * {@code matmul_bf16.cu}: {@code y = W·x + b} for BF16 weights, float32 activations and accumulation, for 1 to any
 * number of token rows (the QKV and output projections, the unembedding).
 */
public final class Bf16MatmulKernels {
    public static final String FAMILY = "matmul_bf16";
    static final int WARPS = 8;
    /** From this many token rows on, the tensor-core kernel runs (when enabled). */
    public static final int TENSOR_CORE_TOKENS = 16;
    static final int TC_ROWS = 128;
    static final int TC_TOKENS = 64;

    private final Gpu gpu;
    private final Gpu.Kernel[] byTokens;
    private final Gpu.Kernel tensorCore;

    /** CUDA-core kernels for any batch, and the TF32 tensor-core kernel for batches of 16 and more. */
    public Bf16MatmulKernels(Gpu gpu) {
        this(gpu, true);
    }

    /** @param tensorCores whether batches of {@value #TENSOR_CORE_TOKENS} rows and more use the tensor-core kernel */
    public Bf16MatmulKernels(Gpu gpu, boolean tensorCores) {
        this.gpu = gpu;
        this.byTokens = new Gpu.Kernel[] {gpu.kernel(FAMILY, "bf16_matmul_t1"), gpu.kernel(FAMILY, "bf16_matmul_t2"),
            gpu.kernel(FAMILY, "bf16_matmul_t4"), gpu.kernel(FAMILY, "bf16_matmul_t8")};
        this.tensorCore = tensorCores ? gpu.kernel(FAMILY, "bf16_matmul_tc") : null;
    }

    /**
     * For {@code r < n, t < tokens}: {@code y[t·yStride + r] = (accumulate ? y[..] : 0) + (Σ_c W[r,c]·x[t·xStride + c]
     * + bias[r])}; {@code bias} may be null. {@code w} is row-major {@code [n, k]} BF16 with {@code k % 8 == 0};
     * {@code xStride % 4 == 0}.
     */
    public void matmul(DeviceBuffer w, int n, int k, DeviceBuffer bias, DeviceBuffer x, int xStride, DeviceBuffer y,
                       int yStride, int tokens, boolean accumulate) {
        if (k % 8 != 0 || xStride % 4 != 0) {
            throw new IllegalArgumentException("bf16 matmul needs k % 8 == 0 and x stride % 4 == 0, got k " + k
                    + ", stride " + xStride);
        }
        if (w.bytes() < (long) n * k * 2) {
            throw new IllegalArgumentException("weight buffer of " + w.bytes() + " bytes is smaller than " + n + "x" + k);
        }
        if (tensorCore != null && tokens >= TENSOR_CORE_TOKENS) {
            gpu.launch(tensorCore, (n + TC_ROWS - 1) / TC_ROWS, (tokens + TC_TOKENS - 1) / TC_TOKENS, 1, WARPS * 32, 0,
                    new KernelArgs().ptr(w).ptr(bias).ptr(x).i32(xStride).ptr(y).i32(yStride).i32(n).i32(k).i32(tokens)
                            .i32(accumulate ? 1 : 0));
            return;
        }
        int variant = tokens <= 1 ? 0 : tokens == 2 ? 1 : tokens <= 4 ? 2 : 3;
        int perWarp = rowsPerWarp(n, gpu.multiprocessors());
        int blocks = (int) ((n + (long) WARPS * perWarp - 1) / ((long) WARPS * perWarp));
        gpu.launch(byTokens[variant], blocks, 1, 1, WARPS * 32, 0, new KernelArgs().ptr(w).ptr(bias).ptr(x).i32(xStride)
                .ptr(y).i32(yStride).i32(n).i32(k).i32(tokens).i32(perWarp).i32(accumulate ? 1 : 0));
    }

    /** Rows per warp: as many as keep at least two blocks per SM busy, at most 8 (amortises the activation reads). */
    static int rowsPerWarp(int n, int sms) {
        return Math.clamp(n / (WARPS * 2L * Math.max(1, sms)), 1, 8);
    }
}
