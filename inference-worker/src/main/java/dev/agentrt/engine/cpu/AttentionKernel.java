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
        if (d == 4 * F.length()) {
            attendFourVectors(q, qOff, keys, values, kvOff, kvStride, firstSlot, wrap, first, last, sink, scale, scores,
                    out, outOff);
        } else {
            attendAnyWidth(q, qOff, keys, values, kvOff, kvStride, firstSlot, wrap, first, last, sink, scale, scores,
                    out, outOff, d);
        }
    }

    /** {@link #attend} for any head width, one key at a time through {@link #dot} and {@link #axpy}. */
    static void attendAnyWidth(float[] q, int qOff, float[] keys, float[] values, int kvOff, int kvStride, int firstSlot,
                               int wrap, int first, int last, float sink, float scale, float[] scores, float[] out,
                               int outOff, int d) {
        float max = sink;
        for (int j = first, slot = firstSlot; j <= last; j++, slot = slot + 1 == wrap ? 0 : slot + 1) {
            float s = dot(q, qOff, keys, slot * kvStride + kvOff, d) * scale;
            scores[j - first] = s;
            max = Math.max(max, s);
        }
        float inv = softmax(scores, last - first + 1, sink, max);
        java.util.Arrays.fill(out, outOff, outOff + d, 0f);
        for (int j = first, slot = firstSlot; j <= last; j++, slot = slot + 1 == wrap ? 0 : slot + 1) {
            axpy(scores[j - first] * inv, values, slot * kvStride + kvOff, out, outOff, d);
        }
    }

    /**
     * {@link #attend} for heads of four vectors (gpt-oss's 64 = 4 × 16 lanes), with the same arithmetic in the same
     * order, bit for bit: the query and the output's four accumulators stay in registers across the keys instead of
     * being loaded (and the output stored) once per key.
     */
    private static void attendFourVectors(float[] q, int qOff, float[] keys, float[] values, int kvOff, int kvStride,
                                          int firstSlot, int wrap, int first, int last, float sink, float scale,
                                          float[] scores, float[] out, int outOff) {
        int n = F.length();
        FloatVector q0 = FloatVector.fromArray(F, q, qOff);
        FloatVector q1 = FloatVector.fromArray(F, q, qOff + n);
        FloatVector q2 = FloatVector.fromArray(F, q, qOff + 2 * n);
        FloatVector q3 = FloatVector.fromArray(F, q, qOff + 3 * n);
        float max = sink;
        for (int j = first, slot = firstSlot; j <= last; j++, slot = slot + 1 == wrap ? 0 : slot + 1) {
            int k = slot * kvStride + kvOff;
            FloatVector acc = q0.fma(FloatVector.fromArray(F, keys, k), FloatVector.zero(F));
            acc = q1.fma(FloatVector.fromArray(F, keys, k + n), acc);
            acc = q2.fma(FloatVector.fromArray(F, keys, k + 2 * n), acc);
            acc = q3.fma(FloatVector.fromArray(F, keys, k + 3 * n), acc);
            float s = Lanes.sum(acc) * scale;
            scores[j - first] = s;
            max = Math.max(max, s);
        }
        float inv = softmax(scores, last - first + 1, sink, max);
        FloatVector o0 = FloatVector.zero(F);
        FloatVector o1 = FloatVector.zero(F);
        FloatVector o2 = FloatVector.zero(F);
        FloatVector o3 = FloatVector.zero(F);
        for (int j = first, slot = firstSlot; j <= last; j++, slot = slot + 1 == wrap ? 0 : slot + 1) {
            int v = slot * kvStride + kvOff;
            FloatVector a = FloatVector.broadcast(F, scores[j - first] * inv);
            o0 = a.fma(FloatVector.fromArray(F, values, v), o0);
            o1 = a.fma(FloatVector.fromArray(F, values, v + n), o1);
            o2 = a.fma(FloatVector.fromArray(F, values, v + 2 * n), o2);
            o3 = a.fma(FloatVector.fromArray(F, values, v + 3 * n), o3);
        }
        o0.intoArray(out, outOff);
        o1.intoArray(out, outOff + n);
        o2.intoArray(out, outOff + 2 * n);
        o3.intoArray(out, outOff + 3 * n);
    }

    /**
     * {@code scores[0..count)} become {@code exp(score − max)} in place; returns {@code 1 / (exp(sink − max) + Σ)}:
     * the sink joins the softmax's denominator only.
     */
    private static float softmax(float[] scores, int count, float sink, float max) {
        float sum = (float) Math.exp(sink - max);
        for (int i = 0; i < count; i++) {
            float p = (float) Math.exp(scores[i] - max);
            scores[i] = p;
            sum += p;
        }
        return 1 / sum;
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
