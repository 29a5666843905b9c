package dev.agentrt.engine.cpu;

import jdk.incubator.vector.FloatVector;

/**
 * A lane sum with a fixed association order. {@code reduceLanes(ADD)} may associate differently in the JIT-compiled
 * and the interpreted code, which made logits depend on warm-up; this pairwise fold (halves, quarters, …) does
 * not.
 */
final class Lanes {
    private Lanes() {
    }

    static float sum(FloatVector v) {
        for (int half = v.length() / 2; half >= 1; half /= 2) {
            v = v.add(v.slice(half));
        }
        return v.lane(0);
    }
}
