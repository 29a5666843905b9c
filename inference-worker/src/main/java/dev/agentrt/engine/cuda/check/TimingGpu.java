package dev.agentrt.engine.cuda.check;

import dev.agentrt.engine.cuda.DeviceBuffer;
import dev.agentrt.engine.cuda.Gpu;
import dev.agentrt.engine.cuda.KernelArgs;
import dev.agentrt.engine.cuda.PinnedBuffer;
import java.lang.foreign.MemorySegment;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A pass-through {@link Gpu} that, while {@link #profiling} is on and nothing is being captured, times every kernel
 * launch on the device (each launch then waits for the previous one) and adds it up per kernel name.
 */
final class TimingGpu implements Gpu {
    private final Gpu gpu;
    private final Map<String, double[]> totals = new LinkedHashMap<>();
    private boolean capturing;
    boolean profiling;

    TimingGpu(Gpu gpu) {
        this.gpu = gpu;
    }

    /** Per kernel: {milliseconds, launches}, in first-launch order. */
    Map<String, double[]> totals() {
        return totals;
    }

    @Override
    public String name() {
        return gpu.name();
    }

    @Override
    public long totalMemory() {
        return gpu.totalMemory();
    }

    @Override
    public long freeMemory() {
        return gpu.freeMemory();
    }

    @Override
    public int multiprocessors() {
        return gpu.multiprocessors();
    }

    @Override
    public DeviceBuffer alloc(long bytes) {
        return gpu.alloc(bytes);
    }

    @Override
    public void free(DeviceBuffer buffer) {
        gpu.free(buffer);
    }

    @Override
    public PinnedBuffer allocPinned(long bytes) {
        return gpu.allocPinned(bytes);
    }

    @Override
    public void freePinned(PinnedBuffer buffer) {
        gpu.freePinned(buffer);
    }

    @Override
    public Kernel kernel(String family, String function) {
        return gpu.kernel(family, function);
    }

    @Override
    public void launch(Kernel kernel, int gridX, int gridY, int gridZ, int threads, int sharedBytes, KernelArgs args) {
        if (profiling && !capturing) {
            double ms = gpu.time(() -> gpu.launch(kernel, gridX, gridY, gridZ, threads, sharedBytes, args));
            double[] t = totals.computeIfAbsent(kernel.name(), k -> new double[2]);
            t[0] += ms;
            t[1] += 1;
        } else {
            gpu.launch(kernel, gridX, gridY, gridZ, threads, sharedBytes, args);
        }
    }

    @Override
    public void copyToDevice(DeviceBuffer dst, long dstOffset, PinnedBuffer src, long srcOffset, long bytes) {
        gpu.copyToDevice(dst, dstOffset, src, srcOffset, bytes);
    }

    @Override
    public void copyToHost(PinnedBuffer dst, long dstOffset, DeviceBuffer src, long srcOffset, long bytes) {
        gpu.copyToHost(dst, dstOffset, src, srcOffset, bytes);
    }

    @Override
    public void copyOnDevice(DeviceBuffer dst, long dstOffset, DeviceBuffer src, long srcOffset, long bytes) {
        gpu.copyOnDevice(dst, dstOffset, src, srcOffset, bytes);
    }

    @Override
    public void fill(DeviceBuffer dst, long offset, long bytes, byte value) {
        gpu.fill(dst, offset, bytes, value);
    }

    @Override
    public void upload(DeviceBuffer dst, long dstOffset, MemorySegment src) {
        gpu.upload(dst, dstOffset, src);
    }

    @Override
    public void download(MemorySegment dst, DeviceBuffer src, long srcOffset) {
        gpu.download(dst, src, srcOffset);
    }

    @Override
    public void synchronize() {
        gpu.synchronize();
    }

    @Override
    public Graph capture(Runnable enqueue) {
        capturing = true;
        try {
            return gpu.capture(enqueue);
        } finally {
            capturing = false;
        }
    }

    @Override
    public void launch(Graph graph) {
        gpu.launch(graph);
    }

    @Override
    public double time(Runnable work) {
        return gpu.time(work);
    }

    @Override
    public void close() {
        // the wrapped GPU belongs to the caller
    }
}
