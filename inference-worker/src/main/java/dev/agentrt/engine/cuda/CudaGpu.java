package dev.agentrt.engine.cuda;

import static jcuda.driver.JCudaDriver.cuCtxSetCurrent;
import static jcuda.driver.JCudaDriver.cuDeviceGet;
import static jcuda.driver.JCudaDriver.cuDeviceGetAttribute;
import static jcuda.driver.JCudaDriver.cuDeviceGetName;
import static jcuda.driver.JCudaDriver.cuDevicePrimaryCtxRelease;
import static jcuda.driver.JCudaDriver.cuDevicePrimaryCtxRetain;
import static jcuda.driver.JCudaDriver.cuDeviceTotalMem;
import static jcuda.driver.JCudaDriver.cuEventCreate;
import static jcuda.driver.JCudaDriver.cuEventDestroy;
import static jcuda.driver.JCudaDriver.cuEventElapsedTime;
import static jcuda.driver.JCudaDriver.cuEventRecord;
import static jcuda.driver.JCudaDriver.cuEventSynchronize;
import static jcuda.driver.JCudaDriver.cuFuncSetAttribute;
import static jcuda.driver.JCudaDriver.cuGraphDestroy;
import static jcuda.driver.JCudaDriver.cuGraphExecDestroy;
import static jcuda.driver.JCudaDriver.cuGraphInstantiate;
import static jcuda.driver.JCudaDriver.cuGraphLaunch;
import static jcuda.driver.JCudaDriver.cuLaunchKernel;
import static jcuda.driver.JCudaDriver.cuMemAlloc;
import static jcuda.driver.JCudaDriver.cuMemAllocHost;
import static jcuda.driver.JCudaDriver.cuMemFree;
import static jcuda.driver.JCudaDriver.cuMemFreeHost;
import static jcuda.driver.JCudaDriver.cuMemGetInfo;
import static jcuda.driver.JCudaDriver.cuMemcpyDtoDAsync;
import static jcuda.driver.JCudaDriver.cuMemcpyDtoHAsync;
import static jcuda.driver.JCudaDriver.cuMemcpyHtoDAsync;
import static jcuda.driver.JCudaDriver.cuMemsetD8Async;
import static jcuda.driver.JCudaDriver.cuModuleGetFunction;
import static jcuda.driver.JCudaDriver.cuStreamBeginCapture;
import static jcuda.driver.JCudaDriver.cuStreamCreate;
import static jcuda.driver.JCudaDriver.cuStreamDestroy;
import static jcuda.driver.JCudaDriver.cuStreamEndCapture;
import static jcuda.driver.JCudaDriver.cuStreamSynchronize;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import jcuda.CudaException;
import jcuda.Pointer;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdevice_attribute;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUevent;
import jcuda.driver.CUevent_flags;
import jcuda.driver.CUfunction;
import jcuda.driver.CUfunction_attribute;
import jcuda.driver.CUgraph;
import jcuda.driver.CUgraphExec;
import jcuda.driver.CUmodule;
import jcuda.driver.CUstream;
import jcuda.driver.CUstreamCaptureMode;
import jcuda.driver.CUstream_flags;

/**
 * A real NVIDIA GPU through JCuda's driver API: the device's primary context, one non-blocking stream, kernels from
 * the jar's fatbin/PTX ({@link KernelModules}), graphs by stream capture. Every JCuda failure becomes a
 * {@link CudaUnavailableException} (at open) or a {@link GpuException} (later) naming the call.
 */
public final class CudaGpu implements Gpu {
    private static final long STAGING_BYTES = 64L << 20;
    /** Dynamic shared memory above this needs an opt-in per function. */
    private static final int DEFAULT_SHARED_LIMIT = 48 * 1024;

    private final CUdevice device = new CUdevice();
    private final CUcontext context = new CUcontext();
    private final CUstream stream = new CUstream();
    private final String name;
    private final long total;
    private final int sms;
    private final int computeMajor;
    private final int computeMinor;
    private final CudaProbe.Result probe;
    private final KernelModules modules;
    private final Map<String, CudaKernel> kernels = new HashMap<>();
    private Thread boundThread;
    private PinnedBuffer[] staging;
    private CUevent[] stagingDone;
    private boolean closed;

    private record CudaKernel(String name, CUfunction function, int[] sharedOptIn) implements Kernel {
    }

    private record CudaGraph(CUgraph graph, CUgraphExec exec) implements Graph {
        @Override
        public void close() {
            cuGraphExecDestroy(exec);
            cuGraphDestroy(graph);
        }
    }

    /** Device pointers as raw addresses (kernel arguments) without JNI calls. */
    static final class DevicePointer extends CUdeviceptr {
        long address() {
            return getNativePointer();
        }
    }

    private CudaGpu(int ordinal) {
        this.probe = CudaProbe.require();
        if (ordinal < 0 || ordinal >= probe.devices()) {
            throw new CudaUnavailableException("GPU " + ordinal + " does not exist (the driver reports " + probe.devices()
                    + " GPU" + (probe.devices() == 1 ? "" : "s") + ")");
        }
        try {
            cuDeviceGet(device, ordinal);
            byte[] raw = new byte[256];
            cuDeviceGetName(raw, raw.length, device);
            int len = 0;
            while (len < raw.length && raw[len] != 0) {
                len++;
            }
            String deviceName = new String(raw, 0, len, StandardCharsets.US_ASCII);
            computeMajor = attribute(CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR);
            computeMinor = attribute(CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR);
            sms = attribute(CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT);
            long[] mem = {0};
            cuDeviceTotalMem(mem, device);
            total = mem[0];
            name = deviceName + " (sm_" + computeMajor + computeMinor + ", " + sms + " SMs, " + gib(total)
                    + " GiB, driver CUDA " + probe.driverCuda() + ")";
            if (computeMajor < 8) {
                throw new CudaUnavailableException(name + ": compute capability " + computeMajor + "." + computeMinor
                        + " is too old; the CUDA engine's kernels need 8.0 or newer (Ampere, Hopper or later)");
            }
            cuDevicePrimaryCtxRetain(context, device);
            cuCtxSetCurrent(context);
            boundThread = Thread.currentThread();
            cuStreamCreate(stream, CUstream_flags.CU_STREAM_NON_BLOCKING);
        } catch (CudaException e) {
            throw new CudaUnavailableException("could not open GPU " + ordinal + ": " + e.getMessage(), e);
        }
        this.modules = new KernelModules(this::describeForErrors, probe.driverVersion());
    }

    /** Opens GPU {@code ordinal}; a {@link CudaUnavailableException} says why it cannot be used. */
    public static CudaGpu open(int ordinal) {
        return new CudaGpu(ordinal);
    }

    private String describeForErrors() {
        return name;
    }

    private int attribute(int attribute) {
        int[] v = {0};
        cuDeviceGetAttribute(v, attribute, device);
        return v[0];
    }

    private static String gib(long bytes) {
        return String.format(java.util.Locale.ROOT, "%.1f", bytes / (double) (1L << 30));
    }

    public int computeCapability() {
        return computeMajor * 10 + computeMinor;
    }

    /** Makes the context current on the calling thread (JCuda contexts are per thread). */
    private void bind() {
        if (closed) {
            throw new IllegalStateException("the GPU was closed");
        }
        Thread t = Thread.currentThread();
        if (t != boundThread) {
            cuCtxSetCurrent(context);
            boundThread = t;
        }
    }

    private static RuntimeException failure(String what, CudaException e) {
        return new GpuException(what + " failed: " + e.getMessage(), e);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public long totalMemory() {
        return total;
    }

    @Override
    public long freeMemory() {
        bind();
        long[] free = {0};
        long[] all = {0};
        cuMemGetInfo(free, all);
        return free[0];
    }

    @Override
    public int multiprocessors() {
        return sms;
    }

    @Override
    public DeviceBuffer alloc(long bytes) {
        bind();
        DevicePointer p = new DevicePointer();
        try {
            cuMemAlloc(p, Math.max(bytes, 1));
        } catch (CudaException e) {
            throw new GpuException("could not allocate " + bytes + " bytes on " + name + " (" + e.getMessage() + ", "
                    + freeMemory() + " bytes free)", e);
        }
        return new DeviceBuffer(p.address(), bytes, p);
    }

    @Override
    public void free(DeviceBuffer buffer) {
        if (buffer.handleOffset() != 0) {
            throw new IllegalArgumentException("a slice of a device buffer cannot be freed on its own");
        }
        bind();
        cuMemFree((CUdeviceptr) buffer.handle());
    }

    @Override
    public PinnedBuffer allocPinned(long bytes) {
        bind();
        Pointer p = new Pointer();
        try {
            cuMemAllocHost(p, Math.max(bytes, 1));
        } catch (CudaException e) {
            throw failure("page-locked allocation of " + bytes + " bytes", e);
        }
        MemorySegment segment = MemorySegment.ofBuffer(p.getByteBuffer(0, Math.max(bytes, 1))).asSlice(0, bytes);
        return new PinnedBuffer(segment, p);
    }

    @Override
    public void freePinned(PinnedBuffer buffer) {
        bind();
        cuMemFreeHost((Pointer) buffer.handle());
    }

    @Override
    public Kernel kernel(String family, String function) {
        String key = family + "/" + function;
        CudaKernel k = kernels.get(key);
        if (k == null) {
            bind();
            CUmodule module = modules.module(family);
            CUfunction f = new CUfunction();
            try {
                cuModuleGetFunction(f, module, function);
            } catch (CudaException e) {
                throw new CudaUnavailableException("the CUDA kernels of this build lack " + function + " (family "
                        + family + "): " + e.getMessage(), e);
            }
            k = new CudaKernel(function, f, new int[] {DEFAULT_SHARED_LIMIT});
            kernels.put(key, k);
        }
        return k;
    }

    @Override
    public void launch(Kernel kernel, int gridX, int gridY, int gridZ, int threads, int sharedBytes, KernelArgs args) {
        bind();
        CudaKernel k = (CudaKernel) kernel;
        if (sharedBytes > k.sharedOptIn()[0]) {
            cuFuncSetAttribute(k.function(), CUfunction_attribute.CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES, sharedBytes);
            k.sharedOptIn()[0] = sharedBytes;
        }
        Pointer[] values = new Pointer[args.size()];
        for (int i = 0; i < values.length; i++) {
            long raw = args.raw(i);
            values[i] = switch (args.kind(i)) {
                case POINTER -> Pointer.to(new long[] {raw});
                case INT -> Pointer.to(new int[] {(int) raw});
                case FLOAT -> Pointer.to(new float[] {Float.intBitsToFloat((int) raw)});
            };
        }
        try {
            cuLaunchKernel(k.function(), gridX, gridY, gridZ, threads, 1, 1, sharedBytes, stream, Pointer.to(values), null);
        } catch (CudaException e) {
            throw failure("launch of " + k.name() + " (grid " + gridX + "x" + gridY + "x" + gridZ + ", " + threads
                    + " threads, " + sharedBytes + " B shared)", e);
        }
    }

    private static CUdeviceptr ptr(DeviceBuffer b, long offset) {
        return ((CUdeviceptr) b.handle()).withByteOffset(b.handleOffset() + offset);
    }

    private static Pointer ptr(PinnedBuffer b, long offset) {
        return ((Pointer) b.handle()).withByteOffset(offset);
    }

    @Override
    public void copyToDevice(DeviceBuffer dst, long dstOffset, PinnedBuffer src, long srcOffset, long bytes) {
        dst.check(dstOffset, bytes);
        src.check(srcOffset, bytes);
        bind();
        try {
            cuMemcpyHtoDAsync(ptr(dst, dstOffset), ptr(src, srcOffset), bytes, stream);
        } catch (CudaException e) {
            throw failure("copy of " + bytes + " bytes to the device", e);
        }
    }

    @Override
    public void copyToHost(PinnedBuffer dst, long dstOffset, DeviceBuffer src, long srcOffset, long bytes) {
        dst.check(dstOffset, bytes);
        src.check(srcOffset, bytes);
        bind();
        try {
            cuMemcpyDtoHAsync(ptr(dst, dstOffset), ptr(src, srcOffset), bytes, stream);
        } catch (CudaException e) {
            throw failure("copy of " + bytes + " bytes to the host", e);
        }
    }

    @Override
    public void copyOnDevice(DeviceBuffer dst, long dstOffset, DeviceBuffer src, long srcOffset, long bytes) {
        dst.check(dstOffset, bytes);
        src.check(srcOffset, bytes);
        bind();
        try {
            cuMemcpyDtoDAsync(ptr(dst, dstOffset), ptr(src, srcOffset), bytes, stream);
        } catch (CudaException e) {
            throw failure("device copy of " + bytes + " bytes", e);
        }
    }

    @Override
    public void fill(DeviceBuffer dst, long offset, long bytes, byte value) {
        dst.check(offset, bytes);
        bind();
        try {
            cuMemsetD8Async(ptr(dst, offset), value, bytes, stream);
        } catch (CudaException e) {
            throw failure("memset of " + bytes + " bytes", e);
        }
    }

    private void ensureStaging() {
        if (staging == null) {
            staging = new PinnedBuffer[] {allocPinned(STAGING_BYTES), allocPinned(STAGING_BYTES)};
            stagingDone = new CUevent[] {new CUevent(), new CUevent()};
            for (CUevent e : stagingDone) {
                cuEventCreate(e, CUevent_flags.CU_EVENT_DISABLE_TIMING);
            }
        }
    }

    @Override
    public void upload(DeviceBuffer dst, long dstOffset, MemorySegment src) {
        long bytes = src.byteSize();
        dst.check(dstOffset, bytes);
        bind();
        ensureStaging();
        try {
            // Double-buffered: fill one staging buffer while the other one's copy runs.
            boolean[] used = new boolean[2];
            int i = 0;
            for (long done = 0; done < bytes; done += STAGING_BYTES, i ^= 1) {
                long n = Math.min(STAGING_BYTES, bytes - done);
                if (used[i]) {
                    cuEventSynchronize(stagingDone[i]);
                }
                MemorySegment.copy(src, done, staging[i].segment(), 0, n);
                cuMemcpyHtoDAsync(ptr(dst, dstOffset + done), ptr(staging[i], 0), n, stream);
                cuEventRecord(stagingDone[i], stream);
                used[i] = true;
            }
            cuStreamSynchronize(stream);
        } catch (CudaException e) {
            throw failure("upload of " + bytes + " bytes", e);
        }
    }

    @Override
    public void download(MemorySegment dst, DeviceBuffer src, long srcOffset) {
        long bytes = dst.byteSize();
        src.check(srcOffset, bytes);
        bind();
        ensureStaging();
        try {
            for (long done = 0; done < bytes; done += STAGING_BYTES) {
                long n = Math.min(STAGING_BYTES, bytes - done);
                cuMemcpyDtoHAsync(ptr(staging[0], 0), ptr(src, srcOffset + done), n, stream);
                cuStreamSynchronize(stream);
                MemorySegment.copy(staging[0].segment(), 0, dst, done, n);
            }
        } catch (CudaException e) {
            throw failure("download of " + bytes + " bytes", e);
        }
    }

    @Override
    public void synchronize() {
        bind();
        try {
            cuStreamSynchronize(stream);
        } catch (CudaException e) {
            throw failure("a kernel or copy on " + name, e);
        }
    }

    @Override
    public Graph capture(Runnable enqueue) {
        bind();
        CUgraph graph = new CUgraph();
        try {
            cuStreamBeginCapture(stream, CUstreamCaptureMode.CU_STREAM_CAPTURE_MODE_THREAD_LOCAL);
        } catch (CudaException e) {
            throw failure("stream capture", e);
        }
        try {
            enqueue.run();
        } catch (RuntimeException | Error e) {
            try {
                cuStreamEndCapture(stream, graph);
                cuGraphDestroy(graph);
            } catch (CudaException ignored) {
                // the capture is broken anyway; report the first failure
            }
            throw e;
        }
        CUgraphExec exec = new CUgraphExec();
        try {
            cuStreamEndCapture(stream, graph);
            cuGraphInstantiate(exec, graph, 0);
        } catch (CudaException e) {
            throw failure("graph capture", e);
        }
        return new CudaGraph(graph, exec);
    }

    @Override
    public void launch(Graph graph) {
        bind();
        try {
            cuGraphLaunch(((CudaGraph) graph).exec(), stream);
        } catch (CudaException e) {
            throw failure("graph launch", e);
        }
    }

    @Override
    public double time(Runnable work) {
        bind();
        CUevent start = new CUevent();
        CUevent end = new CUevent();
        cuEventCreate(start, CUevent_flags.CU_EVENT_DEFAULT);
        cuEventCreate(end, CUevent_flags.CU_EVENT_DEFAULT);
        try {
            cuEventRecord(start, stream);
            work.run();
            cuEventRecord(end, stream);
            cuEventSynchronize(end);
            float[] ms = {0};
            cuEventElapsedTime(ms, start, end);
            return ms[0];
        } finally {
            cuEventDestroy(start);
            cuEventDestroy(end);
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        try {
            bind();
            cuStreamSynchronize(stream);
            if (staging != null) {
                for (PinnedBuffer b : staging) {
                    freePinned(b);
                }
                for (CUevent e : stagingDone) {
                    cuEventDestroy(e);
                }
            }
            modules.close();
            cuStreamDestroy(stream);
            cuDevicePrimaryCtxRelease(device);
        } catch (CudaException e) {
            throw failure("closing " + name, e);
        } finally {
            closed = true;
        }
    }
}
