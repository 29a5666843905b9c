package dev.agentrt.model;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * MXFP4 (spec §5): groups of 32 weights along the input dimension, 16 bytes of E2M1 nibbles (element 2b in the
 * low nibble of byte b, 2b+1 in the high nibble) and one E8M0 scale byte with bias 127.
 */
public final class Mxfp4 {
    public static final int GROUP = 32;
    public static final int GROUP_BYTES = 16;

    /** E2M1 value of each nibble. */
    public static final float[] FP4_VALUES = {
        +0.0f, +0.5f, +1.0f, +1.5f, +2.0f, +3.0f, +4.0f, +6.0f,
        -0.0f, -0.5f, -1.0f, -1.5f, -2.0f, -3.0f, -4.0f, -6.0f};

    private static final float[] SCALES = new float[256];

    static {
        for (int s = 0; s < 256; s++) {
            SCALES[s] = Math.scalb(1.0f, s - 127);
        }
    }

    private Mxfp4() {
    }

    /** {@code 2^(scale − 127)} for an E8M0 scale byte. */
    public static float scale(int scaleByte) {
        return SCALES[scaleByte & 0xFF];
    }

    /** Decodes the two weights of one block byte: {@code [low nibble, high nibble] · 2^(scale−127)}. */
    public static float[] decodeByte(int blockByte, int scaleByte) {
        float s = scale(scaleByte);
        return new float[] {FP4_VALUES[blockByte & 0x0F] * s, FP4_VALUES[(blockByte >>> 4) & 0x0F] * s};
    }

    /**
     * Dequantizes one row of {@code cols} weights (scalar reference path; the kernels never materialise a whole
     * matrix). {@code blocks}/{@code scales} start at the row's first group.
     */
    public static void dequantizeRow(MemorySegment blocks, long blockOffset, MemorySegment scales, long scaleOffset,
                                     int cols, float[] out, int outOffset) {
        for (int g = 0; g < cols / GROUP; g++) {
            float s = scale(scales.get(ValueLayout.JAVA_BYTE, scaleOffset + g));
            for (int b = 0; b < GROUP_BYTES; b++) {
                int v = blocks.get(ValueLayout.JAVA_BYTE, blockOffset + (long) g * GROUP_BYTES + b) & 0xFF;
                out[outOffset + g * GROUP + 2 * b] = FP4_VALUES[v & 0x0F] * s;
                out[outOffset + g * GROUP + 2 * b + 1] = FP4_VALUES[v >>> 4] * s;
            }
        }
    }
}
