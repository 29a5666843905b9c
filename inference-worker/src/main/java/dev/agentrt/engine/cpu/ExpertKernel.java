package dev.agentrt.engine.cpu;

/** One expert projection ({@code [rows=out, cols=in]} per expert) applied to a batch of tokens routed to it. */
public interface ExpertKernel {
    int rows();

    int cols();

    /** Copies one input row into the layout {@link #matmul} expects (identity or a permutation). */
    void prepareInput(float[] src, int srcOff, float[] dst, int dstOff);

    /**
     * {@code y[t·yStride + r] = bias[biasOff + r] + Σ_c W_expert[r,c]·x[t·xStride + c]} for {@code t < tokens}, with
     * {@code x} prepared by {@link #prepareInput}.
     */
    void matmul(int expert, float[] bias, int biasOff, float[] x, int xStride, float[] y, int yStride, int tokens);
}
