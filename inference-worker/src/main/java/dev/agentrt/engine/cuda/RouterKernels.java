package dev.agentrt.engine.cuda;

/**
 * {@code router.cu}: the MoE block's RMSNorm, router logits, top-k with softmax over the chosen (spec §6.4), and the
 * grouping of the step's assignments by expert that the expert kernels read.
 */
public final class RouterKernels {
    public static final String FAMILY = "router";
    static final int THREADS = 256;
    public static final int MAX_TOP_K = 8;

    private final Gpu gpu;
    private final Gpu.Kernel route;

    public RouterKernels(Gpu gpu) {
        this.gpu = gpu;
        this.route = gpu.kernel(FAMILY, "moe_router");
    }

    /** Device buffers of the routing of up to {@code maxRows} rows. */
    public record Routing(DeviceBuffer chosen, DeviceBuffer weights, DeviceBuffer counter, DeviceBuffer offsets,
                          DeviceBuffer assign, DeviceBuffer active, DeviceBuffer activeCount) {
        public static long bytes(int maxRows, int experts, int topK) {
            return 4L * (2L * maxRows * topK + 1 + (experts + 1) + (long) maxRows * topK + experts + 1) + 7 * 256;
        }

        /** Carves the routing buffers out of {@code b} (zeroes the counter). */
        public static Routing in(Gpu gpu, DeviceBuffer b, int maxRows, int experts, int topK) {
            long[] off = {0};
            java.util.function.LongFunction<DeviceBuffer> take = n -> {
                DeviceBuffer s = b.slice(off[0], n);
                off[0] += (n + 255) / 256 * 256;
                return s;
            };
            long rk = (long) maxRows * topK * 4;
            Routing r = new Routing(take.apply(rk), take.apply(rk), take.apply(4), take.apply(4L * (experts + 1)),
                    take.apply(rk), take.apply(4L * experts), take.apply(4));
            gpu.fill(r.counter(), 0, 4, (byte) 0);
            return r;
        }
    }

    /**
     * For rows {@code r < rows}: {@code normed[r] = RMSNorm(x[r])·normScale}; expert choice from {@code gate·normed[r] +
     * gateBias} into {@code routing}.
     */
    public void route(DeviceBuffer x, int rows, int dim, DeviceBuffer normScale, float eps, DeviceBuffer gate,
                      DeviceBuffer gateBias, int experts, int topK, DeviceBuffer normed, Routing routing) {
        if (topK < 1 || topK > MAX_TOP_K || topK > experts || dim % 8 != 0) {
            throw new IllegalArgumentException("router needs 1 <= top_k <= " + MAX_TOP_K + " and dim % 8 == 0");
        }
        int shared = (dim + experts) * Float.BYTES + (experts + 1) * Integer.BYTES;
        gpu.launch(route, rows, 1, 1, THREADS, shared, new KernelArgs().ptr(x).i32(rows).i32(dim).ptr(normScale).f32(eps)
                .ptr(gate).ptr(gateBias).i32(experts).i32(topK).ptr(normed).ptr(routing.chosen()).ptr(routing.weights())
                .ptr(routing.counter()).ptr(routing.offsets()).ptr(routing.assign()).ptr(routing.active())
                .ptr(routing.activeCount()));
    }
}
