package dev.agentrt.engine.cpu;

import dev.agentrt.kv.CpuKvCache;
import dev.agentrt.model.GptOssConfig;

/**
 * Activation buffers for up to {@code maxRows} token rows per forward step, allocated once per engine so that the
 * hot loop allocates nothing. Row {@code t} belongs to sequence {@code caches[t]} at position {@code positions[t]}.
 */
final class Workspace {
    final int maxRows;
    final float[] x;
    final float[] normed;
    final float[] q;
    final float[] k;
    final float[] v;
    /** {@code q, k, v}: the outputs of the fused projection. */
    final float[][] qkv;
    final float[] attn;
    final float[] proj;
    final float[] cos;
    final float[] sin;
    final float[] routerLogits;
    final int[] chosen;
    final float[] routeWeights;
    final int[] expertCount;
    final int[] expertRows;
    final float[] expertRowWeights;
    final float[] expertIn;
    final float[] hidden;
    final float[] activated;
    final float[] activatedIn;
    final float[] expertOut;
    final float[] moe;
    final CpuKvCache[] caches;
    final int[] positions;
    float[][] scores;

    Workspace(GptOssConfig c, int maxRows, int threads) {
        this.maxRows = maxRows;
        int d = c.hiddenSize();
        int qDim = c.numAttentionHeads() * c.headDim();
        int kvDim = c.numKeyValueHeads() * c.headDim();
        int e = c.numExperts();
        int i = c.intermediateSize();
        x = new float[maxRows * d];
        normed = new float[maxRows * d];
        q = new float[maxRows * qDim];
        k = new float[maxRows * kvDim];
        v = new float[maxRows * kvDim];
        qkv = new float[][] {q, k, v};
        attn = new float[maxRows * qDim];
        proj = new float[maxRows * d];
        cos = new float[maxRows * c.headDim() / 2];
        sin = new float[maxRows * c.headDim() / 2];
        routerLogits = new float[maxRows * e];
        chosen = new int[maxRows * c.expertsPerToken()];
        routeWeights = new float[maxRows * c.expertsPerToken()];
        expertCount = new int[e];
        expertRows = new int[e * maxRows];
        expertRowWeights = new float[e * maxRows];
        expertIn = new float[maxRows * d];
        hidden = new float[maxRows * 2 * i];
        activated = new float[maxRows * i];
        activatedIn = new float[maxRows * i];
        expertOut = new float[maxRows * d];
        moe = new float[maxRows * d];
        caches = new CpuKvCache[maxRows];
        positions = new int[maxRows];
        scores = new float[threads][256];
    }

    /** Grows every worker's attention score buffer to hold {@code keys} entries (rare: only on longer contexts). */
    void ensureScores(int keys) {
        for (int w = 0; w < scores.length; w++) {
            if (scores[w].length < keys) {
                scores[w] = new float[Math.max(keys, scores[w].length * 2)];
            }
        }
    }
}
