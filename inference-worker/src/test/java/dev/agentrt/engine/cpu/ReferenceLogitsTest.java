package dev.agentrt.engine.cpu;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentrt.kv.KvCache;
import dev.agentrt.model.Checkpoint;
import dev.agentrt.model.CheckpointLayout;
import dev.agentrt.model.TinyCheckpoints;
import dev.agentrt.model.synth.SynthPreset;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Spec §12.3: the fp32 forward pass reproduces the torch reference on the tiny checkpoints, in both layouts. */
class ReferenceLogitsTest {
    static final int[] PROMPT_1K = {1, 5, 7, 100, 3, 9, 42, 17, 8, 2};
    static final int[] PROMPT_FULL = {200006, 1428, 200008, 4827, 382, 220, 17, 659, 220, 17, 30, 200007, 200006, 173781};

    @TempDir
    static Path tmp;
    static Checkpoint tiny1k;
    static Checkpoint tiny1kHf;
    static Checkpoint tinyFull;
    static Checkpoint tinyFullHf;

    @BeforeAll
    static void synth() {
        tiny1k = Checkpoint.open(TinyCheckpoints.write(SynthPreset.TINY_1K, CheckpointLayout.ORIGINAL, tmp.resolve("a")));
        tiny1kHf = Checkpoint.open(TinyCheckpoints.write(SynthPreset.TINY_1K, CheckpointLayout.HF, tmp.resolve("b")));
        tinyFull = Checkpoint.open(TinyCheckpoints.write(SynthPreset.TINY_FULL, CheckpointLayout.ORIGINAL, tmp.resolve("c")));
        tinyFullHf = Checkpoint.open(TinyCheckpoints.write(SynthPreset.TINY_FULL, CheckpointLayout.HF, tmp.resolve("d")));
    }

    @AfterAll
    static void close() {
        tiny1k.close();
        tiny1kHf.close();
        tinyFull.close();
        tinyFullHf.close();
    }

    @Test
    void tiny1kMatchesTorchReference() {
        try (CpuEngine engine = new CpuEngine(tiny1k.weights())) {
            float[][] logits = engine.logitsAll(PROMPT_1K);
            float[] last = logits[logits.length - 1];
            assertClose(last, new float[] {0.232327f, 0.638647f, 0.142479f, -0.508254f, -0.755694f, -0.068180f},
                    1.911782f, 7.088744f);
            assertThat(argmaxes(logits)).containsExactly(251, 921, 301, 777, 342, 404, 34, 419, 985, 487);
            assertThat(greedy(engine, PROMPT_1K, 6)).containsExactly(487, 951, 48, 80, 712, 890);
        }
    }

    @Test
    void tinyFullMatchesTorchReference() {
        try (CpuEngine engine = new CpuEngine(tinyFull.weights())) {
            float[][] logits = engine.logitsAll(PROMPT_FULL);
            float[] last = logits[logits.length - 1];
            assertClose(last, new float[] {0.474697f, 0.730821f, 0.043701f, -1.121996f, 0.461162f, -0.161290f},
                    2.425734f, 12.378675f);
            assertThat(argmaxes(logits)).containsExactly(122924, 112978, 123697, 105143, 171071, 5760, 21651, 162992,
                    154874, 73165, 5889, 106581, 55078, 197089);
            assertThat(greedy(engine, PROMPT_FULL, 6)).containsExactly(197089, 170142, 116874, 99535, 23837, 121119);
        }
    }

    @Test
    void hfTwinGivesIdenticalLogits() {
        try (CpuEngine original = new CpuEngine(tiny1k.weights()); CpuEngine hf = new CpuEngine(tiny1kHf.weights())) {
            float[][] a = original.logitsAll(PROMPT_1K);
            float[][] b = hf.logitsAll(PROMPT_1K);
            for (int i = 0; i < a.length; i++) {
                assertIdentical(b[i], a[i]);
            }
        }
        try (CpuEngine original = new CpuEngine(tinyFull.weights()); CpuEngine hf = new CpuEngine(tinyFullHf.weights())) {
            assertIdentical(hf.logitsAll(PROMPT_FULL)[PROMPT_FULL.length - 1],
                    original.logitsAll(PROMPT_FULL)[PROMPT_FULL.length - 1]);
        }
    }

    @Test
    void residentWeightsGiveIdenticalLogits() {
        try (Checkpoint ckpt = Checkpoint.open(tinyFull.directory())) {
            try (CpuEngine mapped = new CpuEngine(ckpt.weights()); CpuEngine resident = new CpuEngine(ckpt.residentWeights())) {
                assertThat(ckpt.residency()).startsWith("resident");
                assertThat(ckpt.residentWeights()).isSameAs(ckpt.residentWeights());
                // a copy, not the mapping: the same bytes at another address
                assertThat(ckpt.residentWeights().unembedding().data().address())
                        .isNotEqualTo(ckpt.weights().unembedding().data().address());
                assertThat(ckpt.residentWeights().unembedding().data().isReadOnly()).isTrue();
                assertIdentical(resident.logitsAll(PROMPT_FULL)[PROMPT_FULL.length - 1],
                        mapped.logitsAll(PROMPT_FULL)[PROMPT_FULL.length - 1]);
            }
        }
    }

    @Test
    void residentWeightsCanBeTurnedOff() {
        String before = System.getProperty("agentrt.weights");
        System.setProperty("agentrt.weights", "mapped");
        try (Checkpoint ckpt = Checkpoint.open(tiny1k.directory())) {
            assertThat(ckpt.residentWeights().embedding().data().address())
                    .isEqualTo(ckpt.weights().embedding().data().address());
            assertThat(ckpt.residency()).isEqualTo("mapped (agentrt.weights=mapped)");
        } finally {
            if (before == null) {
                System.clearProperty("agentrt.weights");
            } else {
                System.setProperty("agentrt.weights", before);
            }
        }
    }

    /** Bit-identical float arrays; reports the first difference (AssertJ's array diff is quadratic). */
    static void assertIdentical(float[] actual, float[] expected) {
        int at = Arrays.mismatch(actual, expected);
        assertThat(at).as("first differing index (%s)", at < 0 ? "-" : actual[at] + " vs " + expected[at]).isEqualTo(-1);
    }

    /** Within 1e-4 of the largest logit, plus max and logsumexp. */
    static void assertClose(float[] logits, float[] expectedHead, float expectedMax, float expectedLse) {
        float max = Float.NEGATIVE_INFINITY;
        for (float v : logits) {
            max = Math.max(max, v);
        }
        double sum = 0;
        for (float v : logits) {
            sum += Math.exp(v - max);
        }
        float tol = 1e-4f * Math.abs(expectedMax);
        for (int i = 0; i < expectedHead.length; i++) {
            assertThat(logits[i]).as("logit %d", i).isCloseTo(expectedHead[i], org.assertj.core.data.Offset.offset(tol));
        }
        assertThat(max).isCloseTo(expectedMax, org.assertj.core.data.Offset.offset(tol));
        assertThat((float) (max + Math.log(sum))).isCloseTo(expectedLse, org.assertj.core.data.Offset.offset(tol));
    }

    static int[] argmaxes(float[][] logits) {
        return Arrays.stream(logits).mapToInt(ReferenceLogitsTest::argmax).toArray();
    }

    static int argmax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }

    /** Prefill then one token at a time through the KV cache, always taking the argmax. */
    static int[] greedy(CpuEngine engine, int[] prompt, int n) {
        KvCache cache = engine.newCache(prompt.length + n);
        float[] logits = new float[engine.config().vocabSize()];
        engine.prefill(cache, prompt, logits);
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = argmax(logits);
            engine.decode(new KvCache[] {cache}, new int[] {out[i]}, new float[][] {logits});
        }
        return out;
    }
}
