package dev.agentrt.model;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.Optional;

/**
 * Anonymous memory for weights the CPU engine streams at every token. A memory-mapped checkpoint sits in the page
 * cache in 4 KB pages; decode reads ~1 GB of scattered experts per token and spends much of its time walking page
 * tables for them (measured on the synthetic 20b: 1.0 tok/s mapped, 2.9 tok/s from 2 MB pages). On Linux the copy
 * is {@code mmap}ed anonymously, 2 MB aligned, with {@code madvise(MADV_HUGEPAGE)} so that transparent huge pages
 * back it even where THP is in {@code madvise} mode, and made read-only once filled. Elsewhere it is ordinary
 * arena memory.
 */
public final class ResidentMemory {
    private static final long HUGE_PAGE = 2L << 20;
    private static final int PROT_READ = 0x1;
    private static final int PROT_WRITE = 0x2;
    private static final int MAP_PRIVATE = 0x02;
    private static final int MAP_ANONYMOUS = 0x20;
    private static final int MADV_HUGEPAGE = 14;
    private static final long CHUNK = 64L << 20;

    private static final Native NATIVE = Native.load();

    private ResidentMemory() {
    }

    /** Whether copies get 2 MB-aligned anonymous memory with the huge-page advice (Linux with the libc calls). */
    public static boolean hugePagesAdvised() {
        return NATIVE != null;
    }

    /** A resident copy of byte ranges of a file: range {@code i} begins at {@code starts[i]} in {@code memory}. */
    public record Copy(MemorySegment memory, long[] starts) {
    }

    /**
     * Reads the ranges {@code [offsets[i], offsets[i] + lengths[i])} of {@code file} into new memory owned by
     * {@code arena} (freed when it closes), range {@code i} at {@link #alignedStarts}{@code (lengths, alignment)[i]},
     * and returns the memory read-only.
     */
    public static Copy copyRanges(Path file, long[] offsets, long[] lengths, long alignment, Arena arena)
            throws IOException {
        long[] starts = alignedStarts(lengths, alignment);
        long size = starts.length == 0 ? 0 : starts[starts.length - 1] + lengths[lengths.length - 1];
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            MemorySegment dst = allocate(size, arena);
            for (int i = 0; i < offsets.length; i++) {
                for (long done = 0; done < lengths[i]; ) {
                    int n = channel.read(dst.asSlice(starts[i] + done, Math.min(CHUNK, lengths[i] - done))
                            .asByteBuffer(), offsets[i] + done);
                    if (n < 0) {
                        throw new IOException(file + ": file shrank while being read (" + (offsets[i] + done)
                                + " of " + channel.size() + " bytes)");
                    }
                    done += n;
                }
            }
            if (NATIVE != null) {
                NATIVE.protectReadOnly(dst);
            }
            return new Copy(dst.asReadOnly(), starts);
        }
    }

    /** Where ranges of these lengths go when packed in order, each at the next multiple of {@code alignment}. */
    static long[] alignedStarts(long[] lengths, long alignment) {
        if (alignment <= 0 || Long.bitCount(alignment) != 1) {
            throw new IllegalArgumentException("alignment must be a power of two, got " + alignment);
        }
        long[] starts = new long[lengths.length];
        long at = 0;
        for (int i = 0; i < lengths.length; i++) {
            starts[i] = at;
            at = Math.addExact(at, lengths[i] + alignment - 1) & -alignment;
        }
        return starts;
    }

    /** {@code size} bytes of writable memory like the copies' (2 MB pages advised on Linux), owned by {@code arena}. */
    public static MemorySegment allocate(long size, Arena arena) {
        if (NATIVE == null) {
            return arena.allocate(Math.max(1, size), 4096).asSlice(0, size);
        }
        return NATIVE.allocate(size, arena);
    }

    /** The libc calls, or null where they are missing (not Linux, or native access denied). */
    private record Native(MethodHandle mmap, MethodHandle munmap, MethodHandle madvise, MethodHandle mprotect) {
        static Native load() {
            if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")) {
                return null;
            }
            try {
                Linker linker = Linker.nativeLinker();
                SymbolLookup libc = linker.defaultLookup();
                Optional<MemorySegment> mmap = libc.find("mmap");
                Optional<MemorySegment> munmap = libc.find("munmap");
                Optional<MemorySegment> madvise = libc.find("madvise");
                Optional<MemorySegment> mprotect = libc.find("mprotect");
                if (mmap.isEmpty() || munmap.isEmpty() || madvise.isEmpty() || mprotect.isEmpty()) {
                    return null;
                }
                FunctionDescriptor addrLenInt = FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS,
                        ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT);
                return new Native(
                        linker.downcallHandle(mmap.get(), FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.ADDRESS,
                                ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
                                ValueLayout.JAVA_LONG)),
                        linker.downcallHandle(munmap.get(), FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS,
                                ValueLayout.JAVA_LONG)),
                        linker.downcallHandle(madvise.get(), addrLenInt),
                        linker.downcallHandle(mprotect.get(), addrLenInt));
            } catch (RuntimeException | LinkageError e) {
                return null; // e.g. native access denied: fall back to arena memory
            }
        }

        MemorySegment allocate(long size, Arena arena) {
            long length = Math.max(HUGE_PAGE, (size + HUGE_PAGE - 1) & -HUGE_PAGE);
            long rawLength = length + HUGE_PAGE; // room to align the start to 2 MB
            MemorySegment raw;
            try {
                raw = (MemorySegment) mmap.invokeExact(MemorySegment.NULL, rawLength, PROT_READ | PROT_WRITE,
                        MAP_PRIVATE | MAP_ANONYMOUS, -1, 0L);
            } catch (Throwable e) {
                throw new IllegalStateException("mmap failed: " + e, e);
            }
            if (raw.address() == -1L) {
                throw new OutOfMemoryError("cannot reserve " + rawLength + " bytes of anonymous memory for weights");
            }
            long base = raw.address();
            long start = (base + HUGE_PAGE - 1) & -HUGE_PAGE;
            MemorySegment mapped = MemorySegment.ofAddress(start).reinterpret(length, arena, ignored -> unmap(base, rawLength));
            try {
                int rc = (int) madvise.invokeExact(mapped, length, MADV_HUGEPAGE);
                // rc != 0 (THP compiled out): the memory still works in small pages.
            } catch (Throwable e) {
                throw new IllegalStateException("madvise failed: " + e, e);
            }
            return mapped.asSlice(0, size);
        }

        void protectReadOnly(MemorySegment segment) {
            long start = segment.address() & -4096L;
            long length = segment.address() + segment.byteSize() - start;
            try {
                int rc = (int) mprotect.invokeExact(MemorySegment.ofAddress(start), length, PROT_READ);
                // rc != 0 only loses the write protection, not correctness.
            } catch (Throwable e) {
                throw new IllegalStateException("mprotect failed: " + e, e);
            }
        }

        private void unmap(long base, long length) {
            try {
                int rc = (int) munmap.invokeExact(MemorySegment.ofAddress(base), length);
            } catch (Throwable e) {
                throw new IllegalStateException("munmap failed: " + e, e);
            }
        }
    }
}
