package dev.agentrt.generate;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Picks tokens from logits per {@link SamplingParams}. Buffers are sized to the vocabulary once; a sampler is
 * stateful (its random stream) and not thread-safe: use one per sequence.
 */
public final class Sampler {
    private final SamplingParams params;
    private final SplittableRandom random;
    private final long[] order;
    private final float[] probs;

    public Sampler(SamplingParams params, int vocabSize) {
        this.params = params;
        this.random = new SplittableRandom(params.seed());
        this.order = new long[vocabSize];
        this.probs = new float[vocabSize];
    }

    public SamplingParams params() {
        return params;
    }

    /**
     * The next draw in [0, 1) of this sampler's random stream: what {@link #sample} consumes for one non-greedy pick.
     * Engines that sample on the device ({@code SamplingEngine}) take their draw here, one per non-greedy pick.
     */
    public double nextUniform() {
        return random.nextDouble();
    }

    public int sample(float[] logits) {
        if (params.isGreedy()) {
            return argmax(logits, order.length);
        }
        int n = order.length;
        // Sort by logit, descending: the key is the order-preserving int of -logit in the high bits, the id below,
        // so equal logits keep the lower id first.
        for (int i = 0; i < n; i++) {
            order[i] = ((long) sortable(-logits[i]) << 32) | i;
        }
        Arrays.sort(order, 0, n);
        int keep = params.topK() > 0 ? Math.min(params.topK(), n) : n;
        float max = logits[id(0)];
        double sum = 0;
        for (int i = 0; i < keep; i++) {
            float p = (float) Math.exp((logits[id(i)] - max) / params.temperature());
            probs[i] = p;
            sum += p;
        }
        if (params.topP() < 1f) {
            double cumulative = 0;
            int cut = keep;
            for (int i = 0; i < keep; i++) {
                cumulative += probs[i] / sum;
                if (cumulative >= params.topP()) {
                    cut = i + 1;
                    break;
                }
            }
            sum = 0;
            for (int i = 0; i < cut; i++) {
                sum += probs[i];
            }
            keep = cut;
        }
        double r = random.nextDouble() * sum;
        double acc = 0;
        for (int i = 0; i < keep; i++) {
            acc += probs[i];
            if (r < acc) {
                return id(i);
            }
        }
        return id(keep - 1);
    }

    private int id(int rank) {
        return (int) order[rank];
    }

    /** Maps a float to an int with the same order (for sorting). */
    private static int sortable(float f) {
        int bits = Float.floatToIntBits(f);
        return bits ^ ((bits >> 31) & 0x7FFFFFFF);
    }

    public static int argmax(float[] logits, int n) {
        int best = 0;
        for (int i = 1; i < n; i++) {
            if (logits[i] > logits[best]) {
                best = i;
            }
        }
        return best;
    }
}
