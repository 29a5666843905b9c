package dev.agentrt.generate;

import java.util.Arrays;
import java.util.SplittableRandom;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Picks tokens from logits per {@link SamplingParams}. A sampling (non-greedy) sampler sizes its buffers to the
 * vocabulary on first use; a greedy one needs none. A sampler is stateful (its random stream) and not thread-safe:
 * use one per sequence.
 */
public final class Sampler {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;

    private final SamplingParams params;
    private final SplittableRandom random;
    private final int vocabSize;
    private long[] order;
    private float[] probs;

    public Sampler(SamplingParams params, int vocabSize) {
        this.params = params;
        this.random = new SplittableRandom(params.seed());
        this.vocabSize = vocabSize;
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
            return argmax(logits, vocabSize);
        }
        if (order == null) {
            order = new long[vocabSize];
            probs = new float[vocabSize];
        }
        int n = vocabSize;
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

    /**
     * The index of the largest of {@code logits[0..n)}, the lowest index among equal values. NaNs are skipped as the
     * plain loop skips them (a NaN at index 0 wins, as nothing compares greater). Vectorized: a sampler runs it over
     * the whole vocabulary (201k entries) for every token of every sequence.
     */
    public static int argmax(float[] logits, int n) {
        int upper = F.loopBound(n);
        if (upper == 0) {
            return scalarArgmax(logits, n);
        }
        FloatVector maxes = FloatVector.fromArray(F, logits, 0);
        for (int i = F.length(); i < upper; i += F.length()) {
            maxes = maxes.max(FloatVector.fromArray(F, logits, i));
        }
        float max = maxes.reduceLanes(VectorOperators.MAX);
        for (int i = upper; i < n; i++) {
            max = Math.max(max, logits[i]);
        }
        if (Float.isNaN(max)) {
            return scalarArgmax(logits, n); // max() propagates NaN: take the exact, slow path
        }
        if (Float.isNaN(logits[0])) {
            return 0;
        }
        for (int i = 0; i < upper; i += F.length()) {
            var hit = FloatVector.fromArray(F, logits, i).compare(VectorOperators.EQ, max);
            if (hit.anyTrue()) {
                return i + hit.firstTrue();
            }
        }
        for (int i = upper; i < n; i++) {
            if (logits[i] == max) {
                return i;
            }
        }
        throw new IllegalStateException("unreachable: the maximum is one of the values");
    }

    private static int scalarArgmax(float[] logits, int n) {
        int best = 0;
        for (int i = 1; i < n; i++) {
            if (logits[i] > logits[best]) {
                best = i;
            }
        }
        return best;
    }
}
