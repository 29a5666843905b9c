package dev.agentrt.engine.cpu;

import dev.agentrt.model.Bf16;
import dev.agentrt.model.Bf16Matrix;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@code y[t] = W·x[t] + b} for a BF16 weight matrix read straight from the mapped checkpoint and a batch of fp32
 * inputs. Each weight row is loaded once per group of four tokens (matrix × matrix for prefill and batched decode).
 */
public final class Bf16Matmul {
    static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    static final VectorSpecies<Short> S = VectorSpecies.of(short.class, VectorShape.forBitSize(F.vectorBitSize() / 2));
    static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;
    private static final int TOKEN_BLOCK = 4;
    private static final int ROWS_PER_TASK = 16;

    private final Parallel pool;

    public Bf16Matmul(Parallel pool) {
        this.pool = pool;
    }

    /**
     * For {@code t < tokens}: {@code y[yOff + t·yStride + r] = bias[r] + Σ_c W[r,c]·x[xOff + t·xStride + c]}, bias
     * optional ({@code null}).
     */
    public void matmul(Bf16Matrix w, float[] bias, float[] x, int xOff, int xStride, float[] y, int yOff, int yStride,
                       int tokens) {
        matmul(w, bias, 0, x, xOff, xStride, y, yOff, yStride, tokens);
    }

    /** As above with the bias starting at {@code bias[biasOff]}. */
    public void matmul(Bf16Matrix w, float[] bias, int biasOff, float[] x, int xOff, int xStride, float[] y, int yOff,
                       int yStride, int tokens) {
        pool.run(w.rows(), ROWS_PER_TASK, (worker, r0, r1) ->
                rows(w.data(), w.cols(), r0, r1, bias, biasOff, x, xOff, xStride, y, yOff, yStride, tokens));
    }

    static void rows(MemorySegment w, int cols, int r0, int r1, float[] bias, int biasOff, float[] x, int xOff, int xStride,
                     float[] y, int yOff, int yStride, int tokens) {
        int lanes = F.length();
        int vecCols = I.length() == lanes ? cols - cols % lanes : 0;
        for (int r = r0; r < r1; r++) {
            long rowBytes = (long) r * cols * 2;
            float b = bias == null ? 0f : bias[biasOff + r];
            int t = 0;
            for (; t + TOKEN_BLOCK <= tokens; t += TOKEN_BLOCK) {
                int x0 = xOff + t * xStride;
                int x1 = x0 + xStride;
                int x2 = x1 + xStride;
                int x3 = x2 + xStride;
                FloatVector a0 = FloatVector.zero(F);
                FloatVector a1 = FloatVector.zero(F);
                FloatVector a2 = FloatVector.zero(F);
                FloatVector a3 = FloatVector.zero(F);
                int c = 0;
                for (; c < vecCols; c += lanes) {
                    // BF16 -> fp32: widen to int, shift into the upper half. Kept inline: a helper method compiled on its
                    // own returned boxed vectors and fell back to the slow Java implementation of reinterpretAsFloats.
                    FloatVector wv = ((IntVector) ShortVector.fromMemorySegment(S, w, rowBytes + 2L * c, ByteOrder.LITTLE_ENDIAN).convertShape(VectorOperators.S2I, I, 0)).lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
                    a0 = wv.fma(FloatVector.fromArray(F, x, x0 + c), a0);
                    a1 = wv.fma(FloatVector.fromArray(F, x, x1 + c), a1);
                    a2 = wv.fma(FloatVector.fromArray(F, x, x2 + c), a2);
                    a3 = wv.fma(FloatVector.fromArray(F, x, x3 + c), a3);
                }
                float s0 = Lanes.sum(a0);
                float s1 = Lanes.sum(a1);
                float s2 = Lanes.sum(a2);
                float s3 = Lanes.sum(a3);
                for (; c < cols; c++) {
                    float wc = Bf16.toFloat(w.get(Bf16.LE, rowBytes + 2L * c));
                    s0 += wc * x[x0 + c];
                    s1 += wc * x[x1 + c];
                    s2 += wc * x[x2 + c];
                    s3 += wc * x[x3 + c];
                }
                int yo = yOff + t * yStride + r;
                y[yo] = s0 + b;
                y[yo + yStride] = s1 + b;
                y[yo + 2 * yStride] = s2 + b;
                y[yo + 3 * yStride] = s3 + b;
            }
            for (; t < tokens; t++) {
                int x0 = xOff + t * xStride;
                FloatVector a0 = FloatVector.zero(F);
                FloatVector a1 = FloatVector.zero(F);
                int c = 0;
                for (; c + 2 * lanes <= vecCols; c += 2 * lanes) {
                    a0 = ((IntVector) ShortVector.fromMemorySegment(S, w, rowBytes + 2L * c, ByteOrder.LITTLE_ENDIAN).convertShape(VectorOperators.S2I, I, 0)).lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(FloatVector.fromArray(F, x, x0 + c), a0);
                    a1 = ((IntVector) ShortVector.fromMemorySegment(S, w, rowBytes + 2L * (c + lanes), ByteOrder.LITTLE_ENDIAN).convertShape(VectorOperators.S2I, I, 0)).lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(FloatVector.fromArray(F, x, x0 + c + lanes), a1);
                }
                for (; c < vecCols; c += lanes) {
                    a0 = ((IntVector) ShortVector.fromMemorySegment(S, w, rowBytes + 2L * c, ByteOrder.LITTLE_ENDIAN).convertShape(VectorOperators.S2I, I, 0)).lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(FloatVector.fromArray(F, x, x0 + c), a0);
                }
                float s = Lanes.sum(a0.add(a1));
                for (; c < cols; c++) {
                    s += Bf16.toFloat(w.get(Bf16.LE, rowBytes + 2L * c)) * x[x0 + c];
                }
                y[yOff + t * yStride + r] = s + b;
            }
        }
    }
}
