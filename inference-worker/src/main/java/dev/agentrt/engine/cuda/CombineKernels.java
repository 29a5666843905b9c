package dev.agentrt.engine.cuda;

/** {@code moe_combine.cu}: the weighted expert sum added to the residual, fused with the next RMSNorm. */
public final class CombineKernels {
    public static final String FAMILY = "moe_combine";
    static final int THREADS = 256;

    private final Gpu gpu;
    private final Gpu.Kernel combine;

    public CombineKernels(Gpu gpu) {
        this.gpu = gpu;
        this.combine = gpu.kernel(FAMILY, "moe_combine");
    }

    /**
     * For rows {@code r < rows}: {@code x[r] += Σ_s w[r,s]·y[r·topK + s]} (experts in ascending order); then, when
     * {@code nextScale} is not null, {@code normed[r] = RMSNorm(x[r])·nextScale}.
     */
    public void combine(DeviceBuffer x, DeviceBuffer y, RouterKernels.Routing routing, int topK, int dim,
                        DeviceBuffer nextScale, float eps, DeviceBuffer normed, int rows) {
        gpu.launch(combine, rows, 1, 1, THREADS, 0, new KernelArgs().ptr(x).ptr(y).ptr(routing.chosen())
                .ptr(routing.weights()).i32(topK).i32(dim).ptr(nextScale).f32(eps).ptr(normed));
    }
}
