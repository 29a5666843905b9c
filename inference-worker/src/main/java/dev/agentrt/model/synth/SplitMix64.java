package dev.agentrt.model.synth;

import java.nio.charset.StandardCharsets;

/**
 * The deterministic element stream of spec §12.2: a per-tensor seed (FNV-1a-64 of the name) and SplitMix64,
 * random-access by element index so that any slice of a tensor can be generated on its own.
 */
public final class SplitMix64 {
    private static final long GAMMA = 0x9E3779B97F4A7C15L;

    private SplitMix64() {
    }

    public static long fnv1a64(String name) {
        long h = 0xcbf29ce484222325L;
        for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
            h = (h ^ (b & 0xFF)) * 0x100000001b3L;
        }
        return h;
    }

    /** The value {@code z} of element {@code k} (1-based) of the stream seeded with {@code seed}. */
    public static long element(long seed, long k) {
        long z = seed + k * GAMMA;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** {@code (2u − 1)·scale + offset} with {@code u = (z >>> 11)·2^−53}, in double, rounded to float32. */
    public static float uniform(long z, double scale, double offset) {
        double u = (z >>> 11) * 0x1.0p-53;
        return (float) ((2 * u - 1) * scale + offset);
    }
}
