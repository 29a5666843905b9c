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
    void aSingleThreadRunsTheWholeRangeAsOneTask() {
        try (Parallel pool = new Parallel(1)) {
            java.util.List<Integer> chunks = new java.util.ArrayList<>();
            pool.runGuided(1000, 10, (worker, s, e) -> chunks.add(e - s));
            assertThat(chunks).containsExactly(1000);
        }
    }

    @Test
    void guidedChunksShrinkFromAShareOfTheRestToTheMinimum() {
        try (Parallel pool = new Parallel(2)) {
            java.util.Map<Integer, Integer> sizeByStart = new java.util.concurrent.ConcurrentSkipListMap<>();
            pool.runGuided(1000, 10, (worker, s, e) -> sizeByStart.put(s, e - s));
            java.util.List<Integer> sizes = new java.util.ArrayList<>(sizeByStart.values()); // in range order
            assertThat(sizes.stream().mapToInt(Integer::intValue).sum()).isEqualTo(1000);
            assertThat(sizes.get(0)).as("a quarter of the range on two threads").isEqualTo(250);
            for (int i = 1; i < sizes.size(); i++) {
                assertThat(sizes.get(i)).as("chunk %d of %s", i, sizes).isLessThanOrEqualTo(sizes.get(i - 1));
            }
            assertThat(sizes.subList(0, sizes.size() - 1)).allMatch(c -> c >= 10);
            assertThat(sizes.stream().filter(c -> c < 10)).hasSizeLessThanOrEqualTo(1);
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
