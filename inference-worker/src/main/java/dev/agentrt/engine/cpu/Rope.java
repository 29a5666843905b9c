package dev.agentrt.engine.cpu;

import dev.agentrt.model.GptOssConfig;

/**
 * Rotary position embedding with YaRN scaling (spec §7), computed in float32 like the torch reference: blended
 * inverse frequencies, angle {@code = fp32(p)·inv_freq}, cos/sin multiplied by the concentration, and the
 * half-split (NeoX) rotation applied to both q and k.
 */
public final class Rope {
    private final int half;
    private final float[] invFreq;
    private final float concentration;

    public Rope(GptOssConfig c) {
        half = c.headDim() / 2;
        invFreq = new float[half];
        float low = (float) c.yarnLow();
        float high = (float) c.yarnHigh();
        for (int i = 0; i < half; i++) {
            float freq = (float) Math.pow(c.ropeTheta(), (float) (2 * i) / c.headDim());
            float interpolation = 1.0f / (c.ropeScalingFactor() * freq);
            float extrapolation = 1.0f / freq;
            float ramp = Math.clamp((i - low) / (high - low), 0f, 1f);
            float mask = 1 - ramp;
            invFreq[i] = interpolation * (1 - mask) + extrapolation * mask;
        }
        concentration = (float) (0.1 * Math.log(c.ropeScalingFactor()) + 1.0);
    }

    public float invFreq(int i) {
        return invFreq[i];
    }

    public float concentration() {
        return concentration;
    }

    /** Writes the {@code head_dim/2} scaled cos and sin values of position {@code pos} at {@code off}. */
    public void table(int pos, float[] cos, float[] sin, int off) {
        for (int i = 0; i < half; i++) {
            float angle = (float) pos * invFreq[i];
            cos[off + i] = (float) Math.cos(angle) * concentration;
            sin[off + i] = (float) Math.sin(angle) * concentration;
        }
    }

    /** Rotates one head vector {@code x[off .. off+head_dim)} in place with the table at {@code tableOff}. */
    public void rotate(float[] x, int off, float[] cos, float[] sin, int tableOff) {
        for (int i = 0; i < half; i++) {
            float x1 = x[off + i];
            float x2 = x[off + half + i];
            float c = cos[tableOff + i];
            float s = sin[tableOff + i];
            x[off + i] = x1 * c - x2 * s;
            x[off + half + i] = x2 * c + x1 * s;
        }
    }
}
