package dev.agentrt.engine.cpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

/** Every index of a run is handed out exactly once, in chunks of the promised sizes, and failures reach the caller. */
class ParallelTest {
    @Test
    void fixedAndGuidedRunsCoverEveryIndexOnce() {
        try (Parallel pool = new Parallel(3)) {
            for (int size : new int[] {1, 7, 64, 1000, 5761}) {
                for (boolean guided : new boolean[] {false, true}) {
                    AtomicIntegerArray seen = new AtomicIntegerArray(size);
                    int grain = 16;
                    Parallel.RangeTask task = (worker, s, e) -> {
                        assertThat(worker).isBetween(0, 2);
                        // a short chunk only at the end of the range
                        assertThat(e - s == grain || e == size || (guided && e - s > grain)).isTrue();
                        for (int i = s; i < e; i++) {
                            seen.incrementAndGet(i);
                        }
                    };
                    if (guided) {
                        pool.runGuided(size, grain, task);
                    } else {
                        pool.run(size, grain, task);
                    }
                    for (int i = 0; i < size; i++) {
                        assertThat(seen.get(i)).as("size %d guided %s index %d", size, guided, i).isEqualTo(1);
                    }
                }
            }
        }
    }

    @Test
    void guidedChunksShrinkFromAShareOfTheRestToTheMinimum() {
        try (Parallel pool = new Parallel(1)) { // one thread: the chunks come in order
            java.util.List<Integer> chunks = new java.util.ArrayList<>();
            pool.runGuided(1000, 10, (worker, s, e) -> chunks.add(e - s));
            // a single thread runs the whole range as one task
            assertThat(chunks).containsExactly(1000);
        }
        try (Parallel pool = new Parallel(2)) {
            java.util.List<Integer> chunks = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
            pool.runGuided(1000, 10, (worker, s, e) -> chunks.add(e - s));
            assertThat(chunks.stream().mapToInt(Integer::intValue).sum()).isEqualTo(1000);
            assertThat(chunks.stream().mapToInt(Integer::intValue).max().orElseThrow()).isEqualTo(250);
            assertThat(chunks.stream().filter(c -> c < 10)).hasSizeLessThanOrEqualTo(1);
        }
    }

    @Test
    void aFailingChunkFailsTheRun() {
        try (Parallel pool = new Parallel(2)) {
            assertThatThrownBy(() -> pool.runGuided(100, 4, (worker, s, e) -> {
                if (s <= 50 && 50 < e) {
                    throw new IllegalArgumentException("boom");
                }
            })).hasStackTraceContaining("boom"); // the caller's own chunk throws as is, a worker's comes wrapped
        }
    }
}
