package dev.agentrt.engine.cpu;

import dev.agentrt.kv.CpuKvCache;
import dev.agentrt.model.Bf16Matrix;
import dev.agentrt.model.GptOssConfig;
import dev.agentrt.model.LayerWeights;

/**
 * One attention block (spec §6.3): RMSNorm, Q/K/V projections, YaRN RoPE on q and k, K/V appended to each row's
 * cache, GQA attention with sinks (banded on sliding layers), output projection added to the residual.
 */
final class AttentionBlock {
    private final int layer;
    private final LayerWeights w;
    private final Rope rope;
    private final Bf16Matmul matmul;
    private final Parallel pool;
    private final float eps;
    private final int d;
    private final int hidden;
    private final int heads;
    private final int groupSize;
    private final int qDim;
    private final int kvDim;
    private final int window;
    private final boolean sliding;
    private final float smScale;
    /** q, k and v with their biases: one pool run computes all three (they share the normed input). */
    private final Bf16Matrix[] qkv;
    private final float[][] qkvBias;
    private final PhaseTimes times;

    AttentionBlock(GptOssConfig c, int layer, LayerWeights w, Rope rope, Bf16Matmul matmul, Parallel pool,
                   PhaseTimes times) {
        this.layer = layer;
        this.w = w;
        this.rope = rope;
        this.matmul = matmul;
        this.pool = pool;
        this.eps = c.rmsNormEps();
        this.d = c.headDim();
        this.hidden = c.hiddenSize();
        this.heads = c.numAttentionHeads();
        this.groupSize = c.queriesPerKvHead();
        this.qDim = heads * d;
        this.kvDim = c.numKeyValueHeads() * d;
        this.window = c.slidingWindow();
        this.sliding = c.isSliding(layer);
        this.smScale = (float) (1.0 / Math.sqrt(d));
        this.qkv = new Bf16Matrix[] {w.q(), w.k(), w.v()};
        this.qkvBias = new float[][] {w.qBias(), w.kBias(), w.vBias()};
        this.times = times;
    }

    void forward(Workspace ws, int rows) {
        long clock = times.now();
        for (int t = 0; t < rows; t++) {
            RmsNorm.apply(ws.x, t * hidden, w.attnNorm(), eps, ws.normed, t * hidden);
        }
        matmul.matmulShared(qkv, qkvBias, ws.normed, 0, hidden, ws.qkv, rows);
        clock = times.lap(PhaseTimes.Phase.QKV, clock);
        int half = d / 2;
        for (int t = 0; t < rows; t++) {
            for (int h = 0; h < heads; h++) {
                rope.rotate(ws.q, t * qDim + h * d, ws.cos, ws.sin, t * half);
            }
            for (int g = 0; g < kvDim / d; g++) {
                rope.rotate(ws.k, t * kvDim + g * d, ws.cos, ws.sin, t * half);
            }
            CpuKvCache cache = ws.caches[t];
            int off = cache.offset(layer, ws.positions[t]);
            System.arraycopy(ws.k, t * kvDim, cache.keys(layer), off, kvDim);
            System.arraycopy(ws.v, t * kvDim, cache.values(layer), off, kvDim);
        }
        pool.run(rows * heads, 1, (worker, start, end) -> {
            float[] scores = ws.scores[worker];
            for (int i = start; i < end; i++) {
                int t = i / heads;
                int h = i % heads;
                int pos = ws.positions[t];
                int first = sliding ? Math.max(0, pos - window + 1) : 0;
                CpuKvCache cache = ws.caches[t];
                AttentionKernel.attend(ws.q, t * qDim + h * d, cache.keys(layer), cache.values(layer), (h / groupSize) * d,
                        kvDim, sliding ? cache.ringSlots() : 0, first, pos, w.sinks()[h], smScale, scores, ws.attn,
                        t * qDim + h * d, d);
            }
        });
        clock = times.lap(PhaseTimes.Phase.ATTENTION, clock);
        matmul.matmul(w.out(), w.outBias(), ws.attn, 0, qDim, ws.proj, 0, hidden, rows);
        times.lap(PhaseTimes.Phase.OUT, clock);
        for (int i = 0; i < rows * hidden; i++) {
            ws.x[i] += ws.proj[i];
        }
    }
}
