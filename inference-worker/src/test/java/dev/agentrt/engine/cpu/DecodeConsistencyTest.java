package dev.agentrt.engine.cpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentrt.kv.KvCache;
import dev.agentrt.model.Checkpoint;
import dev.agentrt.model.CheckpointLayout;
import dev.agentrt.model.TinyCheckpoints;
import dev.agentrt.model.synth.SynthPreset;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cached incremental decode equals full recompute (past the sliding window of 4 and past a prefill chunk), and a
 * batch of sequences decoded together equals decoding each alone.
 */
class DecodeConsistencyTest {
    private static final float TOL = 2e-5f;

    @TempDir
    static Path tmp;
    static Checkpoint ckpt;

    @BeforeAll
    static void synth() {
        ckpt = Checkpoint.open(TinyCheckpoints.write(SynthPreset.TINY_1K, CheckpointLayout.ORIGINAL, tmp));
    }

    @AfterAll
    static void close() {
        ckpt.close();
    }

    static int[] randomTokens(long seed, int n) {
        return new SplittableRandom(seed).ints(n, 0, 1024).toArray();
    }

    @Test
    void phaseTimesAccountTheDecodeOnlyWhileEnabledAndChangeNoLogits() {
        try (Parallel pool = new Parallel(2); CpuEngine engine = new CpuEngine(ckpt.weights(), pool, 8)) {
            int[] tokens = randomTokens(3, 12);
            PhaseTimes times = engine.phaseTimes();
            KvCache plain = engine.newCache(32);
            float[] expected = new float[1024];
            engine.prefill(plain, java.util.Arrays.copyOf(tokens, 4), expected);
            for (int i = 4; i < tokens.length; i++) {
                engine.decode(new KvCache[] {plain}, new int[] {tokens[i]}, new float[][] {expected});
            }
            for (PhaseTimes.Phase p : PhaseTimes.Phase.values()) {
                assertThat(times.nanos(p)).as("%s while disabled", p).isZero();
            }

            times.enable();
            KvCache timed = engine.newCache(32);
            float[] logits = new float[1024];
            long t0 = System.nanoTime();
            engine.prefill(timed, java.util.Arrays.copyOf(tokens, 4), logits);
            for (int i = 4; i < tokens.length; i++) {
                engine.decode(new KvCache[] {timed}, new int[] {tokens[i]}, new float[][] {logits});
            }
            long elapsed = System.nanoTime() - t0;
            times.disable();
            assertThat(logits).isEqualTo(expected);
            long sum = 0;
            for (PhaseTimes.Phase p : PhaseTimes.Phase.values()) {
                if (p != PhaseTimes.Phase.OTHER) {
                    assertThat(times.nanos(p)).as(p.name()).isPositive();
                }
                assertThat(times.nanos(p)).as(p.name()).isNotNegative();
                sum += times.nanos(p);
            }
            assertThat(sum).isLessThanOrEqualTo(elapsed);

            long frozen = times.nanos(PhaseTimes.Phase.MLP1);
            engine.decode(new KvCache[] {timed}, new int[] {1}, new float[][] {logits});
            assertThat(times.nanos(PhaseTimes.Phase.MLP1)).isEqualTo(frozen);
            times.reset();
            assertThat(times.nanos(PhaseTimes.Phase.MLP1)).isZero();
        }
    }


    @Test
    void incrementalDecodeEqualsFullRecompute() {
        // maxRows 8: the 40-token reference prefill runs in 5 chunks, the window (4) wraps the ring many times.
        try (Parallel pool = new Parallel(2); CpuEngine engine = new CpuEngine(ckpt.weights(), pool, 8)) {
            int[] tokens = randomTokens(1, 40);
            float[][] full = engine.logitsAll(tokens);
            KvCache cache = engine.newCache(64);
            float[] logits = new float[1024];
            engine.prefill(cache, java.util.Arrays.copyOf(tokens, 3), logits);
            assertNear(logits, full[2]);
            for (int i = 3; i < tokens.length; i++) {
                engine.decode(new KvCache[] {cache}, new int[] {tokens[i]}, new float[][] {logits});
                assertNear(logits, full[i]);
            }
            assertThat(cache.length()).isEqualTo(40);
        }
    }

    @Test
    void chunkSizeDoesNotChangeLogits() {
        int[] tokens = randomTokens(2, 30);
        try (Parallel pool = new Parallel(2); CpuEngine small = new CpuEngine(ckpt.weights(), pool, 3);
             CpuEngine large = new CpuEngine(ckpt.weights(), pool, 64)) {
            float[][] a = small.logitsAll(tokens);
            float[][] b = large.logitsAll(tokens);
            for (int i = 0; i < tokens.length; i++) {
                assertNear(a[i], b[i]);
            }
        }
    }

    @Test
    void batchedDecodeEqualsOneByOne() {
        try (Parallel pool = new Parallel(2); CpuEngine engine = new CpuEngine(ckpt.weights(), pool, 8)) {
            int sequences = 5;
            KvCache[] together = new KvCache[sequences];
            KvCache[] alone = new KvCache[sequences];
            float[][] logits = new float[sequences][1024];
            for (int s = 0; s < sequences; s++) {
                int[] prompt = randomTokens(10 + s, 2 + 3 * s); // different lengths: different positions per row
                together[s] = engine.newCache(64);
                alone[s] = engine.newCache(64);
                engine.prefill(together[s], prompt, logits[s]);
                engine.prefill(alone[s], prompt, new float[1024]);
            }
            float[] single = new float[1024];
            for (int step = 0; step < 8; step++) {
                int[] next = new int[sequences];
                for (int s = 0; s < sequences; s++) {
                    next[s] = ReferenceLogitsTest.argmax(logits[s]);
                }
                engine.decode(together, next, logits);
                for (int s = 0; s < sequences; s++) {
                    engine.decode(new KvCache[] {alone[s]}, new int[] {next[s]}, new float[][] {single});
                    assertNear(logits[s], single);
                }
            }
        }
    }

    @Test
    void rejectsBadInput() {
        try (CpuEngine engine = new CpuEngine(ckpt.weights())) {
            KvCache cache = engine.newCache(4);
            float[] logits = new float[1024];
            assertThatThrownBy(() -> engine.prefill(cache, new int[] {1024}, logits))
                    .hasMessageContaining("token id 1024 is outside the vocabulary");
            assertThatThrownBy(() -> engine.prefill(cache, new int[] {1, 2, 3, 4, 5}, logits))
                    .hasMessageContaining("context overflow");
            assertThatThrownBy(() -> engine.decode(new KvCache[] {cache, cache}, new int[] {1, 2},
                    new float[][] {logits, logits})).hasMessageContaining("same KV cache twice");
            assertThatThrownBy(() -> engine.prefill(cache, new int[] {1}, new float[10]))
                    .hasMessageContaining("logits buffer");
        }
    }

    static void assertNear(float[] actual, float[] expected) {
        float max = 0;
        for (float v : expected) {
            max = Math.max(max, Math.abs(v));
        }
        for (int i = 0; i < expected.length; i++) {
            if (Math.abs(actual[i] - expected[i]) > TOL * max) {
                throw new AssertionError("logit " + i + ": " + actual[i] + " vs " + expected[i]);
            }
        }
    }
}
