package dev.agentrt.engine.cpu;

import dev.agentrt.model.Bf16;
import dev.agentrt.model.Bf16Matrix;
import dev.agentrt.model.ExpertWeights.Bf16Experts;
import java.lang.foreign.MemorySegment;

/**
 * BF16 expert weights: row-major experts reuse {@link Bf16Matmul}; the transposed HF export ({@code [in, out]}) is
 * computed as a sum of scaled weight rows ({@code y += x[c]·W[c,:]}), split over output columns.
 */
public final class Bf16ExpertMatmul implements ExpertKernel {
    private static final int COLS_PER_TASK = 64;

    private final Parallel pool;
    private final Bf16Experts w;
    private final Bf16Matmul rowMajor;
    private final Bf16Matrix[] perExpert;

    public Bf16ExpertMatmul(Parallel pool, Bf16Experts weights) {
        this.pool = pool;
        this.w = weights;
        this.rowMajor = new Bf16Matmul(pool);
        long expertBytes = (long) w.rows() * w.cols() * 2;
        this.perExpert = new Bf16Matrix[w.experts()];
        for (int e = 0; e < perExpert.length; e++) {
            // Transposed experts are [cols, rows]; the record only carries the bytes and the element count.
            perExpert[e] = w.transposed()
                    ? new Bf16Matrix(w.cols(), w.rows(), w.data().asSlice(e * expertBytes, expertBytes))
                    : new Bf16Matrix(w.rows(), w.cols(), w.data().asSlice(e * expertBytes, expertBytes));
        }
    }

    @Override
    public int rows() {
        return w.rows();
    }

    @Override
    public int cols() {
        return w.cols();
    }

    @Override
    public void prepareInput(float[] src, int srcOff, float[] dst, int dstOff) {
        System.arraycopy(src, srcOff, dst, dstOff, w.cols());
    }

    @Override
    public void matmul(int expert, float[] bias, int biasOff, float[] x, int xStride, float[] y, int yStride, int tokens) {
        MemorySegment m = perExpert[expert].data();
        if (!w.transposed()) {
            rowMajor.matmul(perExpert[expert], bias, biasOff, x, 0, xStride, y, 0, yStride, tokens);
            return;
        }
        int out = w.rows();
        int in = w.cols();
        pool.run(out, COLS_PER_TASK, (worker, o0, o1) -> {
            for (int t = 0; t < tokens; t++) {
                int yo = t * yStride;
                for (int o = o0; o < o1; o++) {
                    y[yo + o] = bias[biasOff + o];
                }
                for (int c = 0; c < in; c++) {
                    float xc = x[t * xStride + c];
                    long rowBytes = (long) c * out * 2;
                    for (int o = o0; o < o1; o++) {
                        y[yo + o] += xc * Bf16.toFloat(m.get(Bf16.LE, rowBytes + 2L * o));
                    }
                }
            }
        });
    }
}
