package dev.agentrt.engine.cpu;

import dev.agentrt.model.ExpertWeights.Mxfp4Experts;
import dev.agentrt.model.Mxfp4;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@code y[t] = W_e·x[t] + b_e} for one MXFP4 expert matrix, dequantizing on the fly (spec §5). The input must be
 * in <em>nibble order</em> ({@link #permuteInput}): per group of 32, the 16 even elements then the 16 odd ones, so
 * that the low nibbles of the 16 block bytes multiply one contiguous vector and the high nibbles the next. Nibbles
 * become twice their E2M1 value with a 16-entry byte table lookup; the 1/2 is folded into the group scale.
 */
public final class Mxfp4Matmul implements ExpertKernel {
    private static final VectorSpecies<Float> F16 = FloatVector.SPECIES_512;
    private static final VectorSpecies<Byte> B16 = ByteVector.SPECIES_128;
    /** The vector path needs 16 float lanes in hardware (one lane per block byte). */
    static final boolean VECTOR = FloatVector.SPECIES_PREFERRED.length() >= 16;
    private static final ByteVector TABLE = ByteVector.fromArray(B16, Mxfp4.FP4_DOUBLED, 0);
    private static final int TOKEN_BLOCK = 4;
    private static final int ROWS_PER_TASK = 16;

    private final Parallel pool;
    private final Mxfp4Experts w;
    private final boolean vector;

    public Mxfp4Matmul(Parallel pool, Mxfp4Experts weights) {
        this(pool, weights, VECTOR);
    }

    Mxfp4Matmul(Parallel pool, Mxfp4Experts weights, boolean vector) {
        this.pool = pool;
        this.w = weights;
        this.vector = vector;
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
        pool.run(w.rows(), ROWS_PER_TASK, (worker, r0, r1) -> {
            if (vector) {
                rowsVector(expert, r0, r1, bias, biasOff, x, xStride, y, yStride, tokens);
            } else {
                rowsScalar(expert, r0, r1, bias, biasOff, x, xStride, y, yStride, tokens);
            }
        });
    }

    private void rowsVector(int expert, int r0, int r1, float[] bias, int biasOff, float[] x, int xStride, float[] y,
                            int yStride, int tokens) {
        MemorySegment blocks = w.blocks();
        MemorySegment scales = w.scales();
        int groups = w.cols() / Mxfp4.GROUP;
        for (int r = r0; r < r1; r++) {
            long row = (long) expert * w.rows() + r;
            long blockBase = row * groups * Mxfp4.GROUP_BYTES;
            long scaleBase = row * groups;
            float b = bias[biasOff + r];
            for (int t = 0; t < tokens; t += TOKEN_BLOCK) {
                int n = Math.min(TOKEN_BLOCK, tokens - t);
                int x0 = t * xStride;
                FloatVector a0 = FloatVector.zero(F16);
                FloatVector a1 = FloatVector.zero(F16);
                FloatVector a2 = FloatVector.zero(F16);
                FloatVector a3 = FloatVector.zero(F16);
                for (int g = 0; g < groups; g++) {
                    ByteVector packed = ByteVector.fromMemorySegment(B16, blocks, blockBase + (long) g * Mxfp4.GROUP_BYTES,
                            ByteOrder.LITTLE_ENDIAN);
                    ByteVector lo = packed.and((byte) 0x0F).selectFrom(TABLE);
                    ByteVector hi = packed.lanewise(VectorOperators.LSHR, 4).and((byte) 0x0F).selectFrom(TABLE);
                    FloatVector s = FloatVector.broadcast(F16, Mxfp4.halfScale(scales.get(ValueLayout.JAVA_BYTE, scaleBase + g)));
                    FloatVector wLo = (FloatVector) lo.convertShape(VectorOperators.B2F, F16, 0);
                    FloatVector wHi = (FloatVector) hi.convertShape(VectorOperators.B2F, F16, 0);
                    // Per group: dot the unscaled nibble values, then one FMA with the group scale.
                    int c = x0 + g * Mxfp4.GROUP;
                    a0 = wHi.fma(FloatVector.fromArray(F16, x, c + 16), wLo.mul(FloatVector.fromArray(F16, x, c))).fma(s, a0);
                    if (n > 1) {
                        c += xStride;
                        a1 = wHi.fma(FloatVector.fromArray(F16, x, c + 16), wLo.mul(FloatVector.fromArray(F16, x, c))).fma(s, a1);
                    }
                    if (n > 2) {
                        c += xStride;
                        a2 = wHi.fma(FloatVector.fromArray(F16, x, c + 16), wLo.mul(FloatVector.fromArray(F16, x, c))).fma(s, a2);
                    }
                    if (n > 3) {
                        c += xStride;
                        a3 = wHi.fma(FloatVector.fromArray(F16, x, c + 16), wLo.mul(FloatVector.fromArray(F16, x, c))).fma(s, a3);
                    }
                }
                int yo = t * yStride + r;
                y[yo] = Lanes.sum(a0) + b;
                if (n > 1) {
                    y[yo + yStride] = Lanes.sum(a1) + b;
                }
                if (n > 2) {
                    y[yo + 2 * yStride] = Lanes.sum(a2) + b;
                }
                if (n > 3) {
                    y[yo + 3 * yStride] = Lanes.sum(a3) + b;
                }
            }
        }
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
