package dev.agentrt.engine.cuda;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** {@code sampling.cu}: greedy and temperature / top-k / top-p choice of the next token on the device. */
public final class SamplingKernels {
    public static final String FAMILY = "sampling";
    static final int THREADS = 1024;
    /** Floats of sampling parameters per row. */
    public static final int PARAMS = 4;

    private final Gpu gpu;
    private final Gpu.Kernel sample;

    public SamplingKernels(Gpu gpu) {
        this.gpu = gpu;
        this.sample = gpu.kernel(FAMILY, "sample_tokens");
    }

    /** Writes row {@code row}'s parameters at {@code params} (4 floats per row). */
    public static void setParams(MemorySegment params, long offset, int row, float temperature, float topP, double uniform,
                                 int topK) {
        long base = offset + (long) row * PARAMS * Float.BYTES;
        params.set(ValueLayout.JAVA_FLOAT_UNALIGNED, base, temperature);
        params.set(ValueLayout.JAVA_FLOAT_UNALIGNED, base + 4, topP);
        // A float draw in [0, 1): rounding up to 1.0f would fall off the end of the distribution.
        params.set(ValueLayout.JAVA_FLOAT_UNALIGNED, base + 8, (float) Math.min(uniform, Math.nextDown(1.0f)));
        params.set(ValueLayout.JAVA_FLOAT_UNALIGNED, base + 12, (float) topK);
    }

    /** For rows {@code r < rows}: {@code out[r]} = the token chosen from {@code logits[r·ld .. + vocab)}. */
    public void sample(DeviceBuffer logits, int ld, int vocab, DeviceBuffer params, DeviceBuffer out, int rows) {
        gpu.launch(sample, rows, 1, 1, THREADS, 0, new KernelArgs().ptr(logits).i32(ld).i32(vocab).ptr(params).ptr(out));
    }
}
