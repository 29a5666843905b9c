package dev.agentrt.engine.cpu;

import dev.agentrt.model.Bf16Matrix;

/** Final RMSNorm and the (untied, bias-free) unembedding to full-vocabulary logits (spec §6.5). */
final class Unembedding {
    private final float[] norm;
    private final float eps;
    private final Bf16Matrix weight;
    private final Bf16Matmul matmul;
    private final int hidden;

    Unembedding(float[] norm, float eps, Bf16Matrix weight, Bf16Matmul matmul) {
        this.norm = norm;
        this.eps = eps;
        this.weight = weight;
        this.matmul = matmul;
        this.hidden = weight.cols();
    }

    /** Logits of rows {@code first .. first+count-1} of {@code x} into {@code logits} (row stride vocab). */
    void forward(float[] x, int first, int count, float[] normed, float[] logits) {
        for (int i = 0; i < count; i++) {
            RmsNorm.apply(x, (first + i) * hidden, norm, eps, normed, i * hidden);
        }
        matmul.matmul(weight, null, normed, 0, hidden, logits, 0, weight.rows(), count);
    }
}
