package dev.agentrt.engine.cuda;

/** {@code rmsnorm.cu}: RMSNorm of rows (spec §6.2). */
public final class RmsNormKernels {
    public static final String FAMILY = "rmsnorm";
    static final int THREADS = 256;

    private final Gpu gpu;
    private final Gpu.Kernel rmsnorm;

    public RmsNormKernels(Gpu gpu) {
        this.gpu = gpu;
        this.rmsnorm = gpu.kernel(FAMILY, "rmsnorm");
    }

    /** For {@code r < rows}: {@code y[r·yStride ..] = RMSNorm(x[r·xStride ..]) · scale} over {@code dim} values. */
    public void rmsnorm(DeviceBuffer x, int xStride, DeviceBuffer scale, float eps, int dim, DeviceBuffer y, int yStride,
                        int rows) {
        gpu.launch(rmsnorm, rows, 1, 1, THREADS, 0, new KernelArgs().ptr(x).i32(xStride).ptr(scale).f32(eps).i32(dim).ptr(y)
                .i32(yStride));
    }
}
