package dev.agentrt.engine.cpu;

import jdk.incubator.vector.FloatVector;

/**
 * A lane sum with a fixed association order. {@code reduceLanes(ADD)} may associate differently in the JIT-compiled
 * and the interpreted code, which made logits depend on warm-up; this pairwise fold (halves, quarters, …) does
 * not. The slice origins must be constants for C2 to intrinsify them (a loop over the origin falls back to the
 * boxed Java implementation, which is about a hundred times slower), hence the unrolled shapes.
 */
final class Lanes {
    private Lanes() {
    }

    static float sum(FloatVector v) {
        return switch (v.length()) {
            case 16 -> sum16(v);
            case 8 -> sum8(v);
            default -> sumAny(v);
        };
    }

    private static float sum16(FloatVector v) {
        v = v.add(v.slice(8));
        return sum8(v);
    }

    private static float sum8(FloatVector v) {
        v = v.add(v.slice(4));
        v = v.add(v.slice(2));
        v = v.add(v.slice(1));
        return v.lane(0);
    }

    private static float sumAny(FloatVector v) {
        float s = 0;
        for (int i = 0; i < v.length(); i++) {
            s += v.lane(i);
        }
        return s;
    }
}
