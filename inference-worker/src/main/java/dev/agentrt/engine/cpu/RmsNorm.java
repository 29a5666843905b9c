package dev.agentrt.engine.cpu;

/** {@code y_i = x_i / sqrt(mean(x²) + eps) · scale_i}, in float32, no bias (spec §6.2). */
public final class RmsNorm {
    private RmsNorm() {
    }

    public static void apply(float[] x, int xOff, float[] scale, float eps, float[] y, int yOff) {
        int n = scale.length;
        float sum = 0;
        for (int i = 0; i < n; i++) {
            float v = x[xOff + i];
            sum += v * v;
        }
        float inv = (float) (1.0 / Math.sqrt(sum / n + eps));
        for (int i = 0; i < n; i++) {
            y[yOff + i] = x[xOff + i] * inv * scale[i];
        }
    }
}
