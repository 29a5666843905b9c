package dev.agentrt.engine.cuda;

/**
 * {@code moe_mxfp4.cu}: the expert projections with MXFP4 weights dequantized in registers (spec §5): mlp1 with the
 * fused SwiGLU and mlp2, reading only the experts chosen in the step, each once for all its tokens.
 */
public final class MoeKernels {
    public static final String FAMILY = "moe_mxfp4";
    static final int WARPS = 8;
    /** From this many tokens per expert (on average in the step) on, the tensor-core kernels run (when enabled). */
    public static final double TENSOR_CORE_TOKENS = 4.0;

    private final Gpu gpu;
    private final Gpu.Kernel[] mlp1;
    private final Gpu.Kernel[] mlp2;
    private final Gpu.Kernel mlp1Tc;
    private final Gpu.Kernel mlp2Tc;
    private final double tensorCoreTokens;

    /** CUDA-core kernels for few tokens per expert, TF32 tensor-core kernels from {@value #TENSOR_CORE_TOKENS} on. */
    public MoeKernels(Gpu gpu) {
        this(gpu, true, TENSOR_CORE_TOKENS);
    }

    /**
     * @param tensorCores      whether the tensor-core kernels may run
     * @param tensorCoreTokens the tokens per expert from which they run
     */
    public MoeKernels(Gpu gpu, boolean tensorCores, double tensorCoreTokens) {
        this.gpu = gpu;
        this.mlp1Tc = tensorCores ? gpu.kernel(FAMILY, "moe_mlp1_swiglu_tc") : null;
        this.mlp2Tc = tensorCores ? gpu.kernel(FAMILY, "moe_mlp2_tc") : null;
        this.tensorCoreTokens = tensorCoreTokens;
        this.mlp1 = new Gpu.Kernel[] {gpu.kernel(FAMILY, "moe_mlp1_swiglu_t1"), gpu.kernel(FAMILY, "moe_mlp1_swiglu_t4"),
            gpu.kernel(FAMILY, "moe_mlp1_swiglu_t8")};
        this.mlp2 = new Gpu.Kernel[] {gpu.kernel(FAMILY, "moe_mlp2_t1"), gpu.kernel(FAMILY, "moe_mlp2_t4"),
            gpu.kernel(FAMILY, "moe_mlp2_t8")};
    }

    /** MXFP4 weights of one projection for all experts, and its float32 bias {@code [experts, rows]}. */
    public record Experts(DeviceBuffer blocks, DeviceBuffer scales, DeviceBuffer bias, int experts, int rows, int cols) {
    }

    /** The kernel variant for about {@code tokensPerExpert} tokens per expert in a step. */
    static int variant(double tokensPerExpert) {
        return tokensPerExpert <= 1.5 ? 0 : tokensPerExpert <= 4 ? 1 : 2;
    }

    /**
     * mlp1 + SwiGLU for every assignment {@code a} (row {@code a / topK}) of the routing: {@code act[a·units + j]},
     * {@code units = w.rows() / 2}. {@code maxActive} bounds the experts in use (the grid's height).
     */
    public void mlp1(Experts w, DeviceBuffer normed, int inStride, int topK, DeviceBuffer act, RouterKernels.Routing routing,
                     int maxActive, double tokensPerExpert, float limit) {
        if (mlp1Tc != null && tokensPerExpert >= tensorCoreTokens) {
            launchTc(mlp1Tc, (w.rows() / 2 + 63) / 64, w, normed, inStride, topK, act, w.rows() / 2, routing, maxActive, limit);
            return;
        }
        launch(mlp1[variant(tokensPerExpert)], w, normed, inStride, topK, act, w.rows() / 2, routing, maxActive, limit);
    }

    /** mlp2 for every assignment {@code a}: {@code out[a·w.rows() + r] = W_e[r]·act[a] + bias}. */
    public void mlp2(Experts w, DeviceBuffer act, int inStride, DeviceBuffer out, RouterKernels.Routing routing, int maxActive,
                     double tokensPerExpert) {
        if (mlp2Tc != null && tokensPerExpert >= tensorCoreTokens) {
            launchTc(mlp2Tc, (w.rows() + 127) / 128, w, act, inStride, 1, out, w.rows(), routing, maxActive, 0f);
            return;
        }
        launch(mlp2[variant(tokensPerExpert)], w, act, inStride, 1, out, w.rows(), routing, maxActive, 0f);
    }

    private void launchTc(Gpu.Kernel k, int blocks, Experts w, DeviceBuffer in, int inStride, int topK, DeviceBuffer out,
                          int outStride, RouterKernels.Routing routing, int maxActive, float limit) {
        if (w.cols() % 32 != 0 || w.rows() % 2 != 0 || inStride % 4 != 0) {
            throw new IllegalArgumentException("MXFP4 experts need cols % 32 == 0, even rows and stride % 4 == 0");
        }
        gpu.launch(k, blocks, Math.max(1, maxActive), 1, WARPS * 32, 0, new KernelArgs().ptr(w.blocks()).ptr(w.scales())
                .ptr(w.bias()).i32(w.rows()).i32(w.cols()).ptr(in).i32(inStride).i32(topK).ptr(out).i32(outStride)
                .ptr(routing.offsets()).ptr(routing.assign()).ptr(routing.active()).ptr(routing.activeCount()).f32(limit));
    }

    private void launch(Gpu.Kernel k, Experts w, DeviceBuffer in, int inStride, int topK, DeviceBuffer out, int outStride,
                        RouterKernels.Routing routing, int maxActive, float limit) {
        if (w.cols() % 32 != 0 || w.rows() % 2 != 0 || inStride % 4 != 0) {
            throw new IllegalArgumentException("MXFP4 experts need cols % 32 == 0, even rows and stride % 4 == 0");
        }
        int units = w.rows() / 2;
        int blocks = (units + WARPS - 1) / WARPS;
        gpu.launch(k, blocks, Math.max(1, maxActive), 1, WARPS * 32, 0, new KernelArgs().ptr(w.blocks()).ptr(w.scales())
                .ptr(w.bias()).i32(w.rows()).i32(w.cols()).ptr(in).i32(inStride).i32(topK).ptr(out).i32(outStride)
                .ptr(routing.offsets()).ptr(routing.assign()).ptr(routing.active()).ptr(routing.activeCount()).f32(limit));
    }
}
