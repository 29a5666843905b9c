package dev.agentrt.engine.cpu;

/**
 * gpt-oss SwiGLU on the interleaved mlp1 output (spec §6.4): {@code glu = h[2j]} clamped above at the limit,
 * {@code lin = h[2j+1]} clamped to ±limit, {@code a = glu·sigmoid(1.702·glu)·(lin + 1)}.
 */
public final class SwiGlu {
    public static final float ALPHA = 1.702f;

    private SwiGlu() {
    }

    public static void apply(float[] h, int hOff, int units, float limit, float[] a, int aOff) {
        for (int j = 0; j < units; j++) {
            float glu = Math.min(h[hOff + 2 * j], limit);
            float lin = Math.clamp(h[hOff + 2 * j + 1], -limit, limit);
            float sig = (float) (1.0 / (1.0 + Math.exp(-ALPHA * glu)));
            a[aOff + j] = glu * sig * (lin + 1);
        }
    }
}
