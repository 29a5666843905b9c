package dev.agentrt.engine.cuda;

/**
 * The argument list of one kernel launch, in declaration order: device addresses (64-bit), 32-bit ints and floats.
 * Each backend packs it into what its launch call takes (JCuda: an array of pointers to the values).
 */
public final class KernelArgs {
    /** How an argument is passed. */
    public enum Kind { POINTER, INT, FLOAT }

    private Kind[] kinds = new Kind[16];
    private long[] values = new long[16];
    private int size;

    public KernelArgs ptr(long address) {
        return add(Kind.POINTER, address);
    }

    /** A device address, or 0 (a null pointer) when {@code buffer} is null. */
    public KernelArgs ptr(DeviceBuffer buffer) {
        return add(Kind.POINTER, buffer == null ? 0L : buffer.address());
    }

    public KernelArgs ptr(DeviceBuffer buffer, long offset) {
        return add(Kind.POINTER, buffer.at(offset));
    }

    public KernelArgs i32(int value) {
        return add(Kind.INT, value);
    }

    public KernelArgs f32(float value) {
        return add(Kind.FLOAT, Float.floatToRawIntBits(value));
    }

    private KernelArgs add(Kind kind, long value) {
        if (size == kinds.length) {
            kinds = java.util.Arrays.copyOf(kinds, size * 2);
            values = java.util.Arrays.copyOf(values, size * 2);
        }
        kinds[size] = kind;
        values[size] = value;
        size++;
        return this;
    }

    public int size() {
        return size;
    }

    public Kind kind(int i) {
        return kinds[i];
    }

    /** The raw value: an address, or the int / float bits in the low 32 bits. */
    public long raw(int i) {
        return values[i];
    }

    /** An immutable copy (graphs keep the values of capture time, like CUDA). */
    public KernelArgs copy() {
        KernelArgs c = new KernelArgs();
        c.kinds = java.util.Arrays.copyOf(kinds, Math.max(1, size));
        c.values = java.util.Arrays.copyOf(values, Math.max(1, size));
        c.size = size;
        return c;
    }
}
