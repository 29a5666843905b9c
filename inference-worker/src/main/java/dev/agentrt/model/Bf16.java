package dev.agentrt.model;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/** BF16 is the upper 16 bits of an IEEE float32 (spec §1.1). */
public final class Bf16 {
    public static final ValueLayout.OfShort LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private Bf16() {
    }

    public static float toFloat(short bits) {
        return Float.intBitsToFloat((bits & 0xFFFF) << 16);
    }

    /** Round-to-nearest-even float32 → BF16 (NaN stays NaN). */
    public static short fromFloat(float value) {
        int bits = Float.floatToRawIntBits(value);
        if (Float.isNaN(value)) {
            return (short) ((bits >>> 16) | 0x40);
        }
        return (short) ((bits + 0x7FFF + ((bits >>> 16) & 1)) >>> 16);
    }

    /** Element {@code index} of a BF16 array stored little-endian in {@code segment}. */
    public static float get(MemorySegment segment, long index) {
        return toFloat(segment.get(LE, index * 2));
    }

    /** Copies a whole BF16 tensor into a new float array (used for small vectors: norms, biases, sinks). */
    public static float[] toFloatArray(MemorySegment segment) {
        float[] out = new float[Math.toIntExact(segment.byteSize() / 2)];
        for (int i = 0; i < out.length; i++) {
            out[i] = get(segment, i);
        }
        return out;
    }
}
