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
 * {@code y[t] = W·x[t] + b} for a BF16 weight matrix and a batch of fp32 inputs. Tokens go four at a time through
 * each row (matrix × matrix for prefill and batched decode; a task's rows stay in cache across the blocks), and a
 * lone token (batch-1 decode) reads one row after the other: a single sequential stream, which the hardware
 * prefetcher follows at close to full bandwidth (four rows interleaved, as this kernel once did, reached ~75 % of it).
 * Every output is one vector accumulator over the columns in order, summed by {@link Lanes#sum(FloatVector, float[],
 * int)}: the same arithmetic whichever path computes it.
 */
public final class Bf16Matmul {
    static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    static final VectorSpecies<Short> S = VectorSpecies.of(short.class, VectorShape.forBitSize(F.vectorBitSize() / 2));
    static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;
    private static final int BLOCK = 4;
    /**
     * Rows a worker claims at once. Batches: 16, whose rows stay in cache across the token blocks. One token: guided
     * chunks ({@link Parallel#runGuided}) down to 16 rows: long sequential reads first, little waiting at the end.
     */
    private static final int ROWS_PER_TASK = 16;
    private static final int ROWS_PER_TASK_ONE_TOKEN = 16;
    /**
     * Batches: columns per tile. Four tokens' whole rows of x (4 × 2,880 floats, 46 KB) did not stay in the
     * first-level cache beside the streaming weights; 4 × 512 floats (8 KB) do: the four-token rate from memory went
     * from 14.5 to ~21 GB/s (see {@link #fourTokens}).
     */
    private static final int COL_TILE = 512;
    /** Batches: rows whose accumulators are parked in scratch across the column tiles. */
    private static final int ROW_TILE = 16;

    private final Parallel pool;
    private final float[][] scratch;

    public Bf16Matmul(Parallel pool) {
        this.pool = pool;
        this.scratch = pool.scratch(F.length() + ROW_TILE * BLOCK * F.length());
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
        Parallel.RangeTask task = (worker, r0, r1) -> rows(w.data(), w.cols(), r0, r1, bias, biasOff, x, xOff, xStride,
                y, yOff, yStride, tokens, scratch[worker]);
        if (tokens >= BLOCK) {
            pool.run(w.rows(), ROWS_PER_TASK, task);
        } else {
            pool.runGuided(w.rows(), ROWS_PER_TASK_ONE_TOKEN, task);
        }
    }

    /**
     * {@code ys[i][t·ws[i].rows() + r] = biases[i][r] + Σ_c ws[i][r,c]·x[xOff + t·xStride + c]} for matrices that
     * share their input (attention's q, k and v), as one pool run over all their rows: one end-of-run wait instead of
     * one per matrix, and the small k and v matrices ride in the tail of the large one.
     */
    public void matmulShared(Bf16Matrix[] ws, float[][] biases, float[] x, int xOff, int xStride, float[][] ys,
                             int tokens) {
        int total = 0;
        for (Bf16Matrix w : ws) {
            if (w.cols() != ws[0].cols()) {
                throw new IllegalArgumentException("matrices sharing an input need equal columns: " + w.cols()
                        + " vs " + ws[0].cols());
            }
            total += w.rows();
        }
        Parallel.RangeTask task = (worker, s, e) -> {
            int first = 0;
            for (int i = 0; i < ws.length && first < e; first += ws[i].rows(), i++) {
                int r0 = Math.max(s, first) - first;
                int r1 = Math.min(e, first + ws[i].rows()) - first;
                if (r0 < r1) {
                    rows(ws[i].data(), ws[i].cols(), r0, r1, biases[i], 0, x, xOff, xStride, ys[i], 0, ws[i].rows(),
                            tokens, scratch[worker]);
                }
            }
        };
        if (tokens >= BLOCK) {
            pool.run(total, ROWS_PER_TASK, task);
        } else {
            pool.runGuided(total, ROWS_PER_TASK_ONE_TOKEN, task);
        }
    }

    static void rows(MemorySegment w, int cols, int r0, int r1, float[] bias, int biasOff, float[] x, int xOff, int xStride,
                     float[] y, int yOff, int yStride, int tokens, float[] scratch) {
        int vecCols = I.length() == F.length() ? cols - cols % F.length() : 0;
        // Token blocks outside, rows inside: the task's rows stay in cache across the token blocks.
        int t = 0;
        for (; t + BLOCK <= tokens; t += BLOCK) {
            for (int rb = r0; rb < r1; rb += ROW_TILE) {
                fourTokens(w, cols, vecCols, rb, Math.min(r1, rb + ROW_TILE), bias, biasOff, x, xOff + t * xStride,
                        xStride, y, yOff + t * yStride, yStride, scratch);
            }
        }
        for (; t < tokens; t++) {
            for (int r = r0; r < r1; r++) {
                oneRow(w, cols, vecCols, r, bias, biasOff, x, xOff + t * xStride, y, yOff + t * yStride, scratch);
            }
        }
    }

    /**
     * Rows {@code r0..r1} (at most {@link #ROW_TILE}) for the four tokens at {@code x0, x0 + xStride, …}, by column
     * tiles: the tokens' slices of x stay in the first-level cache while the rows stream past, and each output keeps
     * its one accumulator over the columns in order, parked in {@code scratch} between tiles (so the arithmetic is
     * {@link #oneRow}'s, bit for bit).
     */
    private static void fourTokens(MemorySegment w, int cols, int vecCols, int r0, int r1, float[] bias, int biasOff,
                                   float[] x, int x0, int xStride, float[] y, int y0, int yStride, float[] scratch) {
        int n = F.length();
        int x1 = x0 + xStride;
        int x2 = x1 + xStride;
        int x3 = x2 + xStride;
        if (vecCols == 0) {
            java.util.Arrays.fill(scratch, n, n + (r1 - r0) * BLOCK * n, 0f);
        }
        for (int c0 = 0; c0 < vecCols; c0 += COL_TILE) {
            int c1 = Math.min(vecCols, c0 + COL_TILE);
            for (int r = r0; r < r1; r++) {
                int at = n + (r - r0) * BLOCK * n; // scratch[0, n) is for Lanes.sum
                FloatVector a0;
                FloatVector a1;
                FloatVector a2;
                FloatVector a3;
                if (c0 == 0) {
                    a0 = FloatVector.zero(F);
                    a1 = FloatVector.zero(F);
                    a2 = FloatVector.zero(F);
                    a3 = FloatVector.zero(F);
                } else {
                    a0 = FloatVector.fromArray(F, scratch, at);
                    a1 = FloatVector.fromArray(F, scratch, at + n);
                    a2 = FloatVector.fromArray(F, scratch, at + 2 * n);
                    a3 = FloatVector.fromArray(F, scratch, at + 3 * n);
                }
                long row = (long) r * cols * 2;
                for (int c = c0; c < c1; c += n) {
                    // BF16 -> fp32: widen to int, shift into the upper half. Kept inline: a helper method compiled on
                    // its own returned boxed vectors and fell back to the slow Java implementation of
                    // reinterpretAsFloats.
                    FloatVector wv = ((IntVector) ShortVector.fromMemorySegment(S, w, row + 2L * c,
                            ByteOrder.LITTLE_ENDIAN).convertShape(VectorOperators.S2I, I, 0))
                            .lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
                    a0 = wv.fma(FloatVector.fromArray(F, x, x0 + c), a0);
                    a1 = wv.fma(FloatVector.fromArray(F, x, x1 + c), a1);
                    a2 = wv.fma(FloatVector.fromArray(F, x, x2 + c), a2);
                    a3 = wv.fma(FloatVector.fromArray(F, x, x3 + c), a3);
                }
                a0.intoArray(scratch, at);
                a1.intoArray(scratch, at + n);
                a2.intoArray(scratch, at + 2 * n);
                a3.intoArray(scratch, at + 3 * n);
            }
        }
        for (int r = r0; r < r1; r++) {
            int at = n + (r - r0) * BLOCK * n;
            long row = (long) r * cols * 2;
            float b = bias(bias, biasOff, r);
            y[y0 + r] = Lanes.sum(scratch, at, n) + tail(w, row, vecCols, cols, x, x0) + b;
            y[y0 + yStride + r] = Lanes.sum(scratch, at + n, n) + tail(w, row, vecCols, cols, x, x1) + b;
            y[y0 + 2 * yStride + r] = Lanes.sum(scratch, at + 2 * n, n) + tail(w, row, vecCols, cols, x, x2) + b;
            y[y0 + 3 * yStride + r] = Lanes.sum(scratch, at + 3 * n, n) + tail(w, row, vecCols, cols, x, x3) + b;
        }
    }

    /** Row {@code r} for the token at {@code x0}: the arithmetic of {@link #fourTokens} for one token. */
    private static void oneRow(MemorySegment w, int cols, int vecCols, int r, float[] bias, int biasOff, float[] x, int x0,
                               float[] y, int y0, float[] scratch) {
        long row = (long) r * cols * 2;
        FloatVector a = FloatVector.zero(F);
        for (int c = 0; c < vecCols; c += F.length()) {
            a = ((IntVector) ShortVector.fromMemorySegment(S, w, row + 2L * c, ByteOrder.LITTLE_ENDIAN)
                    .convertShape(VectorOperators.S2I, I, 0)).lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats()
                    .fma(FloatVector.fromArray(F, x, x0 + c), a);
        }
        y[y0 + r] = Lanes.sum(a, scratch, 0) + tail(w, row, vecCols, cols, x, x0) + bias(bias, biasOff, r);
    }

    /** The columns past the last whole vector (none for the gpt-oss shapes). */
    private static float tail(MemorySegment w, long row, int from, int cols, float[] x, int x0) {
        float s = 0;
        for (int c = from; c < cols; c++) {
            s += Bf16.toFloat(w.get(Bf16.LE, row + 2L * c)) * x[x0 + c];
        }
        return s;
    }

    private static float bias(float[] bias, int biasOff, int r) {
        return bias == null ? 0f : bias[biasOff + r];
    }
}
