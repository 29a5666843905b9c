package dev.agentrt.engine.cpu;

import dev.agentrt.model.ExpertWeights.Mxfp4Experts;
import dev.agentrt.model.Mxfp4;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@code y[t] = W_e·x[t] + b_e} for one MXFP4 expert matrix, dequantizing on the fly (spec §5). The input must be
 * in <em>nibble order</em> ({@link #prepareInput}): per group of 32, the 16 even elements then the 16 odd ones, so
 * that the low nibbles of the 16 block bytes multiply one contiguous vector and the high nibbles the next.
 *
 * <p>Dequantization is two lane permutes: the 16 block bytes are widened to 16 ints, and a permute with a 16-entry
 * table of E2M1 float bits picks each lane's value by the low four bits of its index (the Vector API's {@code
 * selectFrom} wraps indices, which is exactly the low nibble); the high nibble is the same after a shift. The group
 * dot product is then scaled once by {@code 2^(scale − 127)}. Batches run four tokens per pass over a row, and the
 * two or three left over (an expert's usual share of a small decode batch) one pass together. A lone
 * token (batch-1 decode) reads one row after the other, with the same arithmetic: a single sequential stream, which
 * the hardware prefetcher follows at close to full bandwidth (two rows interleaved, as this kernel once did, reached
 * about two thirds of it).
 */
public final class Mxfp4Matmul implements ExpertKernel {
    private static final VectorSpecies<Float> F16 = FloatVector.SPECIES_512;
    private static final VectorSpecies<Integer> I16 = IntVector.SPECIES_512;
    private static final VectorSpecies<Byte> B16 = ByteVector.SPECIES_128;
    /** The vector path needs 16 float lanes in hardware (one lane per block byte). */
    static final boolean VECTOR = FloatVector.SPECIES_PREFERRED.length() >= 16;
    /** The 16 E2M1 values as float bits, indexed by nibble. */
    private static final IntVector TABLE = IntVector.fromArray(I16, floatBits(Mxfp4.FP4_VALUES), 0);
    private static final int TOKEN_BLOCK = 4;
    /**
     * Rows a worker claims at once. Batches: 16 (~24 KB) stay in the first-level cache across the token blocks. One
     * token: guided chunks ({@link Parallel#runGuided}) from a quarter of the rows down to 64, so that each worker
     * reads long sequential stretches that the prefetcher follows and neither waits long at the end.
     */
    private static final int ROWS_PER_TASK = 16;
    private static final int ROWS_PER_TASK_ONE_TOKEN = 64;

    private final Parallel pool;
    private final Mxfp4Experts w;
    private final boolean vector;
    private final float[][] scratch;

    public Mxfp4Matmul(Parallel pool, Mxfp4Experts weights) {
        this(pool, weights, VECTOR);
    }

    Mxfp4Matmul(Parallel pool, Mxfp4Experts weights, boolean vector) {
        this.pool = pool;
        this.w = weights;
        this.vector = vector;
        this.scratch = pool.scratch(F16.length());
    }

    private static int[] floatBits(float[] values) {
        int[] bits = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            bits[i] = Float.floatToRawIntBits(values[i]);
        }
        return bits;
    }

    @Override
    public int rows() {
        return w.rows();
    }

    @Override
    public int cols() {
        return w.cols();
    }

    /** {@code dst[32g + b] = src[32g + 2b]}, {@code dst[32g + 16 + b] = src[32g + 2b + 1]}. */
    @Override
    public void prepareInput(float[] src, int srcOff, float[] dst, int dstOff) {
        for (int g = 0; g < w.cols(); g += Mxfp4.GROUP) {
            for (int b = 0; b < Mxfp4.GROUP_BYTES; b++) {
                dst[dstOff + g + b] = src[srcOff + g + 2 * b];
                dst[dstOff + g + 16 + b] = src[srcOff + g + 2 * b + 1];
            }
        }
    }

    @Override
    public void matmul(int expert, float[] bias, int biasOff, float[] x, int xStride, float[] y, int yStride, int tokens) {
        Parallel.RangeTask rows = (worker, r0, r1) -> {
            if (vector) {
                rowsVector(expert, r0, r1, bias, biasOff, x, xStride, y, yStride, tokens, scratch[worker]);
            } else {
                rowsScalar(expert, r0, r1, bias, biasOff, x, xStride, y, yStride, tokens);
            }
        };
        if (tokens >= TOKEN_BLOCK) {
            pool.run(w.rows(), ROWS_PER_TASK, rows);
        } else {
            pool.runGuided(w.rows(), ROWS_PER_TASK_ONE_TOKEN, rows);
        }
    }

    private void rowsVector(int expert, int r0, int r1, float[] bias, int biasOff, float[] x, int xStride, float[] y,
                            int yStride, int tokens, float[] scratch) {
        // Token blocks outside, rows inside: the task's rows (16 × ~1.5 KB) stay in cache across the token blocks,
        // and each block's inputs are read from cache once per row.
        int t = 0;
        for (; t + TOKEN_BLOCK <= tokens; t += TOKEN_BLOCK) {
            for (int r = r0; r < r1; r++) {
                fourTokens(expert, r, bias[biasOff + r], x, t * xStride, xStride, y, t * yStride, yStride, 4, scratch);
            }
        }
        // The rest in one pass: each group is dequantized once for all of them (the decode costs more than a
        // token's multiply-adds, so three tokens take the four-token pass with the third one's x twice).
        int rest = tokens - t;
        for (int r = r0; r < r1 && rest > 0; r++) {
            switch (rest) {
                case 3 -> fourTokens(expert, r, bias[biasOff + r], x, t * xStride, xStride, y, t * yStride, yStride, 3,
                        scratch);
                case 2 -> twoTokens(expert, r, bias[biasOff + r], x, t * xStride, xStride, y, t * yStride, yStride,
                        scratch);
                default -> oneToken(expert, r, bias[biasOff + r], x, t * xStride, y, t * yStride, scratch);
            }
        }
    }

    /** Row {@code r} for the token at {@code x0}: the arithmetic of {@link #fourTokens} for one token. */
    private void oneToken(int expert, int r, float b, float[] x, int x0, float[] y, int y0, float[] scratch) {
        MemorySegment blocks = w.blocks();
        MemorySegment scales = w.scales();
        int groups = w.cols() / Mxfp4.GROUP;
        long row = (long) expert * w.rows() + r;
        long blockBase = row * groups * Mxfp4.GROUP_BYTES;
        long scaleBase = row * groups;
        FloatVector a = FloatVector.zero(F16);
        for (int g = 0; g < groups; g++) {
            IntVector packed = (IntVector) ByteVector.fromMemorySegment(B16, blocks,
                    blockBase + (long) g * Mxfp4.GROUP_BYTES, ByteOrder.LITTLE_ENDIAN).convertShape(VectorOperators.B2I, I16, 0);
            FloatVector wLo = packed.selectFrom(TABLE).reinterpretAsFloats();
            FloatVector wHi = packed.lanewise(VectorOperators.ASHR, 4).selectFrom(TABLE).reinterpretAsFloats();
            FloatVector s = FloatVector.broadcast(F16, Mxfp4.scale(scales.get(ValueLayout.JAVA_BYTE, scaleBase + g)));
            int c = x0 + g * Mxfp4.GROUP;
            a = wHi.fma(FloatVector.fromArray(F16, x, c + 16), wLo.mul(FloatVector.fromArray(F16, x, c))).fma(s, a);
        }
        y[y0 + r] = Lanes.sum(a, scratch, 0) + b;
    }

    /**
     * Row {@code r} for the {@code count} (3 or 4) tokens at {@code x0, x0 + xStride, …}: each group dequantized once
     * serves four tokens (with three, the third token's input also fills the fourth slot, whose result is dropped).
     */
    private void fourTokens(int expert, int r, float b, float[] x, int x0, int xStride, float[] y, int y0, int yStride,
                            int count, float[] scratch) {
        int o3 = (count == 4 ? 3 : 2) * xStride;
        MemorySegment blocks = w.blocks();
        MemorySegment scales = w.scales();
        int groups = w.cols() / Mxfp4.GROUP;
        long row = (long) expert * w.rows() + r;
        long blockBase = row * groups * Mxfp4.GROUP_BYTES;
        long scaleBase = row * groups;
        FloatVector a0 = FloatVector.zero(F16);
        FloatVector a1 = FloatVector.zero(F16);
        FloatVector a2 = FloatVector.zero(F16);
        FloatVector a3 = FloatVector.zero(F16);
        for (int g = 0; g < groups; g++) {
            IntVector packed = (IntVector) ByteVector.fromMemorySegment(B16, blocks,
                    blockBase + (long) g * Mxfp4.GROUP_BYTES, ByteOrder.LITTLE_ENDIAN).convertShape(VectorOperators.B2I, I16, 0);
            FloatVector wLo = packed.selectFrom(TABLE).reinterpretAsFloats();
            FloatVector wHi = packed.lanewise(VectorOperators.ASHR, 4).selectFrom(TABLE).reinterpretAsFloats();
            FloatVector s = FloatVector.broadcast(F16, Mxfp4.scale(scales.get(ValueLayout.JAVA_BYTE, scaleBase + g)));
            int c = x0 + g * Mxfp4.GROUP;
            a0 = wHi.fma(FloatVector.fromArray(F16, x, c + 16), wLo.mul(FloatVector.fromArray(F16, x, c))).fma(s, a0);
            int c1 = c + xStride;
            a1 = wHi.fma(FloatVector.fromArray(F16, x, c1 + 16), wLo.mul(FloatVector.fromArray(F16, x, c1))).fma(s, a1);
            int c2 = c1 + xStride;
            a2 = wHi.fma(FloatVector.fromArray(F16, x, c2 + 16), wLo.mul(FloatVector.fromArray(F16, x, c2))).fma(s, a2);
            int c3 = c + o3;
            a3 = wHi.fma(FloatVector.fromArray(F16, x, c3 + 16), wLo.mul(FloatVector.fromArray(F16, x, c3))).fma(s, a3);
        }
        y[y0 + r] = Lanes.sum(a0, scratch, 0) + b;
        y[y0 + yStride + r] = Lanes.sum(a1, scratch, 0) + b;
        y[y0 + 2 * yStride + r] = Lanes.sum(a2, scratch, 0) + b;
        if (count == 4) {
            y[y0 + 3 * yStride + r] = Lanes.sum(a3, scratch, 0) + b;
        }
    }

    /**
     * Row {@code r} for the two tokens at {@code x0, x0 + xStride}: the arithmetic of {@link #fourTokens}. Its own
     * pass rather than the four-token one with spare slots: batch-16 decode's mlp1 took 580–606 ms per step with it
     * and 664–692 ms with two tokens padded to four (ops/bench/cpu-decode --batches 16, 2026-12-08).
     */
    private void twoTokens(int expert, int r, float b, float[] x, int x0, int xStride, float[] y, int y0, int yStride,
                           float[] scratch) {
        MemorySegment blocks = w.blocks();
        MemorySegment scales = w.scales();
        int groups = w.cols() / Mxfp4.GROUP;
        long row = (long) expert * w.rows() + r;
        long blockBase = row * groups * Mxfp4.GROUP_BYTES;
        long scaleBase = row * groups;
        FloatVector a0 = FloatVector.zero(F16);
        FloatVector a1 = FloatVector.zero(F16);
        for (int g = 0; g < groups; g++) {
            IntVector packed = (IntVector) ByteVector.fromMemorySegment(B16, blocks,
                    blockBase + (long) g * Mxfp4.GROUP_BYTES, ByteOrder.LITTLE_ENDIAN)
                    .convertShape(VectorOperators.B2I, I16, 0);
            FloatVector wLo = packed.selectFrom(TABLE).reinterpretAsFloats();
            FloatVector wHi = packed.lanewise(VectorOperators.ASHR, 4).selectFrom(TABLE).reinterpretAsFloats();
            FloatVector s = FloatVector.broadcast(F16, Mxfp4.scale(scales.get(ValueLayout.JAVA_BYTE, scaleBase + g)));
            int c = x0 + g * Mxfp4.GROUP;
            a0 = wHi.fma(FloatVector.fromArray(F16, x, c + 16), wLo.mul(FloatVector.fromArray(F16, x, c))).fma(s, a0);
            int c1 = c + xStride;
            a1 = wHi.fma(FloatVector.fromArray(F16, x, c1 + 16), wLo.mul(FloatVector.fromArray(F16, x, c1))).fma(s, a1);
        }
        y[y0 + r] = Lanes.sum(a0, scratch, 0) + b;
        y[y0 + yStride + r] = Lanes.sum(a1, scratch, 0) + b;
    }

    private void rowsScalar(int expert, int r0, int r1, float[] bias, int biasOff, float[] x, int xStride, float[] y,
                            int yStride, int tokens) {
        MemorySegment blocks = w.blocks();
        MemorySegment scales = w.scales();
        int groups = w.cols() / Mxfp4.GROUP;
        for (int r = r0; r < r1; r++) {
            long row = (long) expert * w.rows() + r;
            for (int t = 0; t < tokens; t++) {
                float sum = 0;
                for (int g = 0; g < groups; g++) {
                    float s = Mxfp4.scale(scales.get(ValueLayout.JAVA_BYTE, row * groups + g));
                    float acc = 0;
                    int c = t * xStride + g * Mxfp4.GROUP;
                    for (int k = 0; k < Mxfp4.GROUP_BYTES; k++) {
                        int v = blocks.get(ValueLayout.JAVA_BYTE, (row * groups + g) * Mxfp4.GROUP_BYTES + k) & 0xFF;
                        acc += Mxfp4.FP4_VALUES[v & 0x0F] * x[c + k] + Mxfp4.FP4_VALUES[v >>> 4] * x[c + 16 + k];
                    }
                    sum += acc * s;
                }
                y[t * yStride + r] = sum + bias[biasOff + r];
            }
        }
    }
}
