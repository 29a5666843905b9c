package dev.agentrt.engine.cpu;

import dev.agentrt.model.ExpertWeights;
import dev.agentrt.model.GptOssConfig;
import dev.agentrt.model.LayerWeights;

/**
 * The mixture-of-experts block (spec §6.4): RMSNorm, router, then for each expert the rows routed to it are
 * gathered and pushed through mlp1 → SwiGLU → mlp2 together (one pass over that expert's weights per step), and
 * the bias-included outputs are added to the residual with their routing weights.
 */
final class MoeBlock {
    private final LayerWeights w;
    private final Bf16Matmul matmul;
    private final ExpertKernel mlp1;
    private final ExpertKernel mlp2;
    private final float eps;
    private final int hidden;
    private final int intermediate;
    private final int experts;
    private final int topK;
    private final float limit;
    private final PhaseTimes times;

    MoeBlock(GptOssConfig c, LayerWeights w, Bf16Matmul matmul, Parallel pool, PhaseTimes times) {
        this.times = times;
        this.w = w;
        this.matmul = matmul;
        this.mlp1 = kernel(pool, w.mlp1());
        this.mlp2 = kernel(pool, w.mlp2());
        this.eps = c.rmsNormEps();
        this.hidden = c.hiddenSize();
        this.intermediate = c.intermediateSize();
        this.experts = c.numExperts();
        this.topK = c.expertsPerToken();
        this.limit = c.swigluLimit();
    }

    static ExpertKernel kernel(Parallel pool, ExpertWeights weights) {
        return switch (weights) {
            case ExpertWeights.Mxfp4Experts m -> new Mxfp4Matmul(pool, m);
            case ExpertWeights.Bf16Experts b -> new Bf16ExpertMatmul(pool, b);
        };
    }

    void forward(Workspace ws, int rows) {
        long clock = times.now();
        for (int t = 0; t < rows; t++) {
            RmsNorm.apply(ws.x, t * hidden, w.mlpNorm(), eps, ws.normed, t * hidden);
        }
        matmul.matmul(w.gate(), w.gateBias(), ws.normed, 0, hidden, ws.routerLogits, 0, experts, rows);
        java.util.Arrays.fill(ws.expertCount, 0);
        for (int t = 0; t < rows; t++) {
            Router.select(ws.routerLogits, t * experts, experts, topK, ws.chosen, ws.routeWeights, t * topK);
            for (int s = 0; s < topK; s++) {
                int e = ws.chosen[t * topK + s];
                int n = ws.expertCount[e]++;
                ws.expertRows[e * ws.maxRows + n] = t;
                ws.expertRowWeights[e * ws.maxRows + n] = ws.routeWeights[t * topK + s];
            }
        }
        times.lap(PhaseTimes.Phase.ROUTER, clock);
        java.util.Arrays.fill(ws.moe, 0, rows * hidden, 0f);
        int i2 = 2 * intermediate;
        for (int e = 0; e < experts; e++) {
            int n = ws.expertCount[e];
            if (n == 0) {
                continue;
            }
            clock = times.now();
            for (int i = 0; i < n; i++) {
                mlp1.prepareInput(ws.normed, ws.expertRows[e * ws.maxRows + i] * hidden, ws.expertIn, i * hidden);
            }
            mlp1.matmul(e, w.mlp1Bias(), e * i2, ws.expertIn, hidden, ws.hidden, i2, n);
            clock = times.lap(PhaseTimes.Phase.MLP1, clock);
            for (int i = 0; i < n; i++) {
                SwiGlu.apply(ws.hidden, i * i2, intermediate, limit, ws.activated, i * intermediate);
                mlp2.prepareInput(ws.activated, i * intermediate, ws.activatedIn, i * intermediate);
            }
            mlp2.matmul(e, w.mlp2Bias(), e * hidden, ws.activatedIn, intermediate, ws.expertOut, hidden, n);
            times.lap(PhaseTimes.Phase.MLP2, clock);
            for (int i = 0; i < n; i++) {
                int t = ws.expertRows[e * ws.maxRows + i];
                float weight = ws.expertRowWeights[e * ws.maxRows + i];
                for (int c = 0; c < hidden; c++) {
                    ws.moe[t * hidden + c] += weight * ws.expertOut[i * hidden + c];
                }
            }
        }
        for (int i = 0; i < rows * hidden; i++) {
            ws.x[i] += ws.moe[i];
        }
    }
}
