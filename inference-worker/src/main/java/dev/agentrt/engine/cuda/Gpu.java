package dev.agentrt.engine.cuda;

import java.lang.foreign.MemorySegment;

/**
 * What the CUDA engine needs from a GPU: device memory, page-locked host memory, kernel launches, copies and CUDA
 * graphs, all on one in-order stream. {@link CudaGpu} is the real device (JCuda driver API); {@link EmulatedGpu}
 * runs the same kernels on the CPU for the tests. Not thread-safe: one thread drives a GPU at a time.
 */
public interface Gpu extends AutoCloseable {
    /** Human-readable device name, e.g. {@code NVIDIA H100 80GB HBM3 (sm_90, driver CUDA 12.4)}. */
    String name();

    long totalMemory();

    long freeMemory();

    int multiprocessors();

    /** Allocates device memory (contents undefined). */
    DeviceBuffer alloc(long bytes);

    void free(DeviceBuffer buffer);

    /** Allocates page-locked host memory, usable by the asynchronous copies and inside graphs. */
    PinnedBuffer allocPinned(long bytes);

    void freePinned(PinnedBuffer buffer);

    /** Entry point {@code function} of kernel family {@code family} (a {@code src/main/cuda/<family>.cu}). */
    Kernel kernel(String family, String function);

    /** Enqueues a launch; block is {@code threads × 1 × 1}. */
    void launch(Kernel kernel, int gridX, int gridY, int gridZ, int threads, int sharedBytes, KernelArgs args);

    /** Enqueues a copy of {@code bytes} from pinned host memory to the device. */
    void copyToDevice(DeviceBuffer dst, long dstOffset, PinnedBuffer src, long srcOffset, long bytes);

    /** Enqueues a copy of {@code bytes} from the device to pinned host memory. */
    void copyToHost(PinnedBuffer dst, long dstOffset, DeviceBuffer src, long srcOffset, long bytes);

    /** Enqueues a device-to-device copy. */
    void copyOnDevice(DeviceBuffer dst, long dstOffset, DeviceBuffer src, long srcOffset, long bytes);

    /** Enqueues setting {@code bytes} bytes to {@code value}. */
    void fill(DeviceBuffer dst, long offset, long bytes, byte value);

    /** Copies any host memory to the device and waits (through a staging buffer where needed). */
    void upload(DeviceBuffer dst, long dstOffset, MemorySegment src);

    /** Copies device memory to any host memory and waits. */
    void download(MemorySegment dst, DeviceBuffer src, long srcOffset);

    /** Waits until everything enqueued has run; reports kernel faults. */
    void synchronize();

    /** Records what {@code enqueue} enqueues (launches, copies, fills) as a graph instead of running it. */
    Graph capture(Runnable enqueue);

    /** Enqueues a captured graph. */
    void launch(Graph graph);

    /** Elapsed milliseconds of {@code work} on the device (enqueues it, then waits). */
    double time(Runnable work);

    @Override
    void close();

    /** A captured sequence of device work. */
    interface Graph extends AutoCloseable {
        @Override
        void close();
    }

    /** A kernel entry point. */
    interface Kernel {
        String name();
    }
}
