package dev.agentrt.engine.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The CUDA kernels run on the CPU by the emulator that the build compiles from the same sources
 * ({@code src/main/cuda/emulator}, {@code target/cuda-emulator/libagentrt_cuda_emu.so}), called through the FFM API.
 * "Device" memory is host memory that starts as 0xff bytes (NaN floats); launches run synchronously; a capture
 * records launches, copies and fills and a graph launch replays them with the arguments of capture time, like CUDA.
 * For tests where there is no GPU: it checks the kernels' logic and everything the engine does around them, not
 * their speed nor the JCuda calls of {@link CudaGpu}.
 */
@SuppressWarnings("restricted") // FFM downcalls into the emulator library: the point of this class
public final class EmulatedGpu implements Gpu {
    /** System property with the path of the emulator library. */
    public static final String LIBRARY_PROPERTY = "agentrt.cuda.emulator";
    private static final String LIBRARY_FILE = "libagentrt_cuda_emu.so";

    private final Arena arena = Arena.ofShared();
    private final MethodHandle launch;
    private final MethodHandle alloc;
    private final MethodHandle free;
    private final Set<String> entryPoints;
    private final Map<String, EmuKernel> kernels = new HashMap<>();
    private final Map<Long, Long> allocations = new HashMap<>();
    private final long capacity;
    private long allocated;
    private List<Runnable> capturing;

    private record EmuKernel(String name, MemorySegment cName) implements Kernel {
    }

    private record EmuGraph(List<Runnable> ops) implements Graph {
        @Override
        public void close() {
        }
    }

    private EmulatedGpu(Path library, long capacity) {
        this.capacity = capacity;
        SymbolLookup lookup = SymbolLookup.libraryLookup(library, arena);
        Linker linker = Linker.nativeLinker();
        ValueLayout.OfInt i = ValueLayout.JAVA_INT;
        launch = linker.downcallHandle(lookup.findOrThrow("agentrt_emu_launch"), FunctionDescriptor.of(i,
                ValueLayout.ADDRESS, i, i, i, i, i, i, i, ValueLayout.ADDRESS, ValueLayout.ADDRESS, i));
        alloc = linker.downcallHandle(lookup.findOrThrow("agentrt_emu_alloc"),
                FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.JAVA_LONG));
        free = linker.downcallHandle(lookup.findOrThrow("agentrt_emu_free"), FunctionDescriptor.ofVoid(ValueLayout.ADDRESS));
        MethodHandle names = linker.downcallHandle(lookup.findOrThrow("agentrt_emu_kernels"),
                FunctionDescriptor.of(i, ValueLayout.ADDRESS, i));
        try {
            int len = (int) names.invokeExact(MemorySegment.NULL, 0);
            MemorySegment buf = arena.allocate(len);
            int ignored = (int) names.invokeExact(buf, len);
            entryPoints = new LinkedHashSet<>(Arrays.asList(buf.getString(0, StandardCharsets.US_ASCII).split("\n")));
            entryPoints.remove("");
        } catch (Throwable t) {
            throw new IllegalStateException("cannot list the emulator's kernels", t);
        }
    }

    /** The emulator library: the system property, else {@code target/cuda-emulator/} of this module. */
    public static Optional<Path> library() {
        String p = System.getProperty(LIBRARY_PROPERTY);
        List<Path> candidates = new ArrayList<>();
        if (p != null && !p.isBlank()) {
            candidates.add(Path.of(p));
        }
        candidates.add(Path.of("target", "cuda-emulator", LIBRARY_FILE));
        candidates.add(Path.of("inference-worker", "target", "cuda-emulator", LIBRARY_FILE));
        return candidates.stream().filter(Files::isRegularFile).findFirst().map(Path::toAbsolutePath);
    }

    /** The emulator with a pretend capacity of 16 GiB. */
    public static EmulatedGpu open(Path library) {
        return open(library, 16L << 30);
    }

    /** The emulator reporting {@code capacityBytes} of memory (allocations beyond it fail like a full GPU). */
    public static EmulatedGpu open(Path library, long capacityBytes) {
        return new EmulatedGpu(library, capacityBytes);
    }

    /** The entry points compiled into the emulator. */
    public Set<String> entryPoints() {
        return entryPoints;
    }

    @Override
    public String name() {
        return "CPU emulator of the CUDA kernels";
    }

    @Override
    public long totalMemory() {
        return capacity;
    }

    @Override
    public long freeMemory() {
        return capacity - allocated;
    }

    @Override
    public int multiprocessors() {
        return 132;
    }

    @Override
    public DeviceBuffer alloc(long bytes) {
        if (allocated + bytes > capacity) {
            throw new GpuException("could not allocate " + bytes + " bytes on the emulator (" + freeMemory() + " bytes free)");
        }
        MemorySegment p;
        try {
            p = (MemorySegment) alloc.invokeExact(bytes);
        } catch (Throwable t) {
            throw new GpuException("emulator allocation failed", t);
        }
        if (p.address() == 0) {
            throw new GpuException("the emulator could not allocate " + bytes + " bytes of host memory");
        }
        allocations.put(p.address(), bytes);
        allocated += bytes;
        return new DeviceBuffer(p.address(), bytes, null);
    }

    @Override
    public void free(DeviceBuffer buffer) {
        Long bytes = allocations.remove(buffer.address());
        if (bytes == null || buffer.handleOffset() != 0) {
            throw new IllegalArgumentException("not an allocation of this emulator: " + buffer);
        }
        allocated -= bytes;
        try {
            free.invokeExact(MemorySegment.ofAddress(buffer.address()));
        } catch (Throwable t) {
            throw new GpuException("emulator free failed", t);
        }
    }

    @Override
    public PinnedBuffer allocPinned(long bytes) {
        return new PinnedBuffer(arena.allocate(Math.max(bytes, 1), 64).asSlice(0, bytes), null);
    }

    @Override
    public void freePinned(PinnedBuffer buffer) {
        // arena memory: released when the emulator closes
    }

    private static MemorySegment memory(DeviceBuffer b, long offset, long bytes) {
        b.check(offset, bytes);
        return MemorySegment.ofAddress(b.address() + offset).reinterpret(bytes);
    }

    @Override
    public Kernel kernel(String family, String function) {
        return kernels.computeIfAbsent(function, f -> {
            if (!entryPoints.contains(f)) {
                throw new CudaUnavailableException("the kernel emulator has no " + f + " (family " + family + ")");
            }
            return new EmuKernel(f, arena.allocateFrom(f, StandardCharsets.US_ASCII));
        });
    }

    @Override
    public void launch(Kernel kernel, int gridX, int gridY, int gridZ, int threads, int sharedBytes, KernelArgs args) {
        KernelArgs frozen = args.copy();
        EmuKernel k = (EmuKernel) kernel;
        run(() -> invoke(k, gridX, gridY, gridZ, threads, sharedBytes, frozen));
    }

    private void invoke(EmuKernel k, int gridX, int gridY, int gridZ, int threads, int sharedBytes, KernelArgs args) {
        try (Arena call = Arena.ofConfined()) {
            int n = args.size();
            MemorySegment values = call.allocate(8L * Math.max(n, 1), 8);
            MemorySegment argv = call.allocate(ValueLayout.ADDRESS, Math.max(n, 1));
            for (int i = 0; i < n; i++) {
                switch (args.kind(i)) {
                    case POINTER -> values.set(ValueLayout.JAVA_LONG, 8L * i, args.raw(i));
                    case INT, FLOAT -> values.set(ValueLayout.JAVA_INT, 8L * i, (int) args.raw(i));
                }
                argv.setAtIndex(ValueLayout.ADDRESS, i, values.asSlice(8L * i));
            }
            MemorySegment err = call.allocate(512);
            int rc = (int) launch.invokeExact(k.cName(), gridX, gridY, gridZ, threads, 1, 1, sharedBytes, argv, err, 512);
            if (rc != 0) {
                throw new GpuException("emulated launch of " + k.name() + " failed: " + err.getString(0));
            }
        } catch (GpuException e) {
            throw e;
        } catch (Throwable t) {
            throw new GpuException("emulated launch of " + k.name() + " failed", t);
        }
    }

    private void run(Runnable op) {
        if (capturing != null) {
            capturing.add(op);
        } else {
            op.run();
        }
    }

    @Override
    public void copyToDevice(DeviceBuffer dst, long dstOffset, PinnedBuffer src, long srcOffset, long bytes) {
        MemorySegment d = memory(dst, dstOffset, bytes);
        src.check(srcOffset, bytes);
        run(() -> MemorySegment.copy(src.segment(), srcOffset, d, 0, bytes));
    }

    @Override
    public void copyToHost(PinnedBuffer dst, long dstOffset, DeviceBuffer src, long srcOffset, long bytes) {
        MemorySegment s = memory(src, srcOffset, bytes);
        dst.check(dstOffset, bytes);
        run(() -> MemorySegment.copy(s, 0, dst.segment(), dstOffset, bytes));
    }

    @Override
    public void copyOnDevice(DeviceBuffer dst, long dstOffset, DeviceBuffer src, long srcOffset, long bytes) {
        MemorySegment d = memory(dst, dstOffset, bytes);
        MemorySegment s = memory(src, srcOffset, bytes);
        run(() -> MemorySegment.copy(s, 0, d, 0, bytes));
    }

    @Override
    public void fill(DeviceBuffer dst, long offset, long bytes, byte value) {
        MemorySegment d = memory(dst, offset, bytes);
        run(() -> d.fill(value));
    }

    @Override
    public void upload(DeviceBuffer dst, long dstOffset, MemorySegment src) {
        requireNotCapturing("upload");
        MemorySegment.copy(src, 0, memory(dst, dstOffset, src.byteSize()), 0, src.byteSize());
    }

    @Override
    public void download(MemorySegment dst, DeviceBuffer src, long srcOffset) {
        requireNotCapturing("download");
        MemorySegment.copy(memory(src, srcOffset, dst.byteSize()), 0, dst, 0, dst.byteSize());
    }

    private void requireNotCapturing(String what) {
        if (capturing != null) {
            throw new IllegalStateException(what + " waits for the device and cannot be captured");
        }
    }

    @Override
    public void synchronize() {
        requireNotCapturing("synchronize");
    }

    @Override
    public Graph capture(Runnable enqueue) {
        if (capturing != null) {
            throw new IllegalStateException("already capturing");
        }
        capturing = new ArrayList<>();
        try {
            enqueue.run();
            return new EmuGraph(List.copyOf(capturing));
        } finally {
            capturing = null;
        }
    }

    @Override
    public void launch(Graph graph) {
        requireNotCapturing("a graph launch inside a capture");
        for (Runnable op : ((EmuGraph) graph).ops()) {
            op.run();
        }
    }

    @Override
    public double time(Runnable work) {
        long t0 = System.nanoTime();
        work.run();
        return (System.nanoTime() - t0) / 1e6;
    }

    @Override
    public void close() {
        for (Long address : List.copyOf(allocations.keySet())) {
            try {
                free.invokeExact(MemorySegment.ofAddress(address));
            } catch (Throwable ignored) {
                // closing: leak rather than fail
            }
        }
        allocations.clear();
        allocated = 0;
        arena.close();
    }
}
