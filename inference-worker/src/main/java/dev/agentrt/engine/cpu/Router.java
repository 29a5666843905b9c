package dev.agentrt.engine.cpu;

/**
 * Expert choice (spec §6.4): the {@code k} largest router logits in descending order (ties → lower expert index),
 * weighted by a softmax over the selected logits only.
 */
public final class Router {
    private Router() {
    }

    public static void select(float[] logits, int off, int experts, int k, int[] chosen, float[] weights, int outOff) {
        for (int s = 0; s < k; s++) {
            int best = -1;
            for (int e = 0; e < experts; e++) {
                if (isChosen(chosen, outOff, s, e)) {
                    continue;
                }
                if (best < 0 || logits[off + e] > logits[off + best]) {
                    best = e;
                }
            }
            chosen[outOff + s] = best;
        }
        float max = logits[off + chosen[outOff]];
        float sum = 0;
        for (int s = 0; s < k; s++) {
            float w = (float) Math.exp(logits[off + chosen[outOff + s]] - max);
            weights[outOff + s] = w;
            sum += w;
        }
        for (int s = 0; s < k; s++) {
            weights[outOff + s] /= sum;
        }
    }

    private static boolean isChosen(int[] chosen, int off, int count, int e) {
        for (int s = 0; s < count; s++) {
            if (chosen[off + s] == e) {
                return true;
            }
        }
        return false;
    }
}
