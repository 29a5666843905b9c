package dev.agentrt.engine.cpu;

import jdk.incubator.vector.FloatVector;

/**
 * Lane sums with a fixed association order. {@code reduceLanes(ADD)} may associate differently in the JIT-compiled
 * and the interpreted code, which made logits depend on warm-up; these do not.
 */
final class Lanes {
    private Lanes() {
    }

    /**
     * The lanes of {@code v} stored into {@code scratch[at ..]} and added there as scalars in a fixed pairwise order:
     * one store and a few adds, far cheaper in a kernel than vector slices (which C2 compiles well only when the
     * whole kernel inlines them).
     */
    static float sum(FloatVector v, float[] scratch, int at) {
        v.intoArray(scratch, at);
        return sum(scratch, at, v.length());
    }

    /** {@code a[at] + … + a[at + n − 1]}, pairwise (halves, then quarters, …) for n = 8 and 16. */
    static float sum(float[] a, int at, int n) {
        if (n == 16) {
            float s0 = (a[at] + a[at + 8]) + (a[at + 4] + a[at + 12]);
            float s1 = (a[at + 2] + a[at + 10]) + (a[at + 6] + a[at + 14]);
            float s2 = (a[at + 1] + a[at + 9]) + (a[at + 5] + a[at + 13]);
            float s3 = (a[at + 3] + a[at + 11]) + (a[at + 7] + a[at + 15]);
            return (s0 + s1) + (s2 + s3);
        }
        if (n == 8) {
            return ((a[at] + a[at + 4]) + (a[at + 2] + a[at + 6])) + ((a[at + 1] + a[at + 5]) + (a[at + 3] + a[at + 7]));
        }
        float s = 0;
        for (int i = 0; i < n; i++) {
            s += a[at + i];
        }
        return s;
    }

    /**
     * For code without scratch space: halves, quarters, … by vector slices. The slice origins must be constants
     * for C2 to intrinsify them (a loop over the origin falls back to the boxed Java implementation, about a
     * hundred times slower), hence the unrolled shapes.
     */
    static float sum(FloatVector v) {
        return switch (v.length()) {
            case 16 -> sum16(v);
            case 8 -> sum8(v);
            default -> sum(v.toArray(), 0, v.length());
        };
    }

    private static float sum16(FloatVector v) {
        return sum8(v.add(v.slice(8)));
    }

    private static float sum8(FloatVector v) {
        v = v.add(v.slice(4));
        v = v.add(v.slice(2));
        v = v.add(v.slice(1));
        return v.lane(0);
    }
}
