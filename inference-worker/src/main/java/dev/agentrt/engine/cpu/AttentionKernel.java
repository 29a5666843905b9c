package dev.agentrt.engine.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Attention of one query head over cached keys/values with a learned sink (spec §6.3): the sink logit joins the
 * softmax (not scaled, no value) and its probability is dropped, so the weights sum to less than one.
 */
public final class AttentionKernel {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;

    private AttentionKernel() {
    }

    /**
     * @param slots   cache slot index of key position {@code j} is {@code slotOf(j)}: {@code j} for full layers,
     *                {@code j mod ring} for sliding ones (ring = 0 means no wrapping)
     * @param first   first allowed key position; {@code last} the query position (inclusive)
     */
    public static void attend(float[] q, int qOff, float[] keys, float[] values, int kvOff, int kvStride, int ring, int first,
                       int last, float sink, float scale, float[] scores, float[] out, int outOff, int d) {
        // Slots advance with the positions and wrap at the ring's end: no division per position.
        int firstSlot = ring == 0 ? first : first % ring;
        int wrap = ring == 0 ? Integer.MAX_VALUE : ring;
        float max = sink;
        for (int j = first, slot = firstSlot; j <= last; j++, slot = slot + 1 == wrap ? 0 : slot + 1) {
            float s = dot(q, qOff, keys, slot * kvStride + kvOff, d) * scale;
            scores[j - first] = s;
            max = Math.max(max, s);
        }
        float sum = (float) Math.exp(sink - max);
        for (int j = first; j <= last; j++) {
            float p = (float) Math.exp(scores[j - first] - max);
            scores[j - first] = p;
            sum += p;
        }
        float inv = 1 / sum;
        java.util.Arrays.fill(out, outOff, outOff + d, 0f);
        for (int j = first, slot = firstSlot; j <= last; j++, slot = slot + 1 == wrap ? 0 : slot + 1) {
            axpy(scores[j - first] * inv, values, slot * kvStride + kvOff, out, outOff, d);
        }
    }

    private static float dot(float[] a, int aOff, float[] b, int bOff, int n) {
        int i = 0;
        float s = 0;
        if (n >= F.length()) {
            FloatVector acc = FloatVector.zero(F);
            for (; i + F.length() <= n; i += F.length()) {
                acc = FloatVector.fromArray(F, a, aOff + i).fma(FloatVector.fromArray(F, b, bOff + i), acc);
            }
            s = Lanes.sum(acc);
        }
        for (; i < n; i++) {
            s += a[aOff + i] * b[bOff + i];
        }
        return s;
    }

    private static void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n) {
        int i = 0;
        if (n >= F.length()) {
            FloatVector av = FloatVector.broadcast(F, alpha);
            for (; i + F.length() <= n; i += F.length()) {
                av.fma(FloatVector.fromArray(F, x, xOff + i), FloatVector.fromArray(F, y, yOff + i))
                        .intoArray(y, yOff + i);
            }
        }
        for (; i < n; i++) {
            y[yOff + i] += alpha * x[xOff + i];
        }
    }
}
