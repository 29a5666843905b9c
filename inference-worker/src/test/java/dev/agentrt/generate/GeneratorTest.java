package dev.agentrt.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentrt.engine.cpu.CpuEngine;
import dev.agentrt.model.Checkpoint;
import dev.agentrt.model.CheckpointLayout;
import dev.agentrt.model.TinyCheckpoints;
import dev.agentrt.model.synth.SynthPreset;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GeneratorTest {
    @TempDir
    Path tmp;

    @Test
    void greedyGenerationReproducesReferenceContinuationAndStops() {
        try (Checkpoint ckpt = Checkpoint.open(TinyCheckpoints.write(SynthPreset.TINY_1K, CheckpointLayout.ORIGINAL, tmp));
             CpuEngine engine = new CpuEngine(ckpt.weights())) {
            int[] prompt = {1, 5, 7, 100, 3, 9, 42, 17, 8, 2};
            List<Integer> streamed = new ArrayList<>();
            Generator.Result r = new Generator(engine, StopTokens.NONE)
                    .generate(prompt, 6, new Sampler(SamplingParams.greedy(), 1024), streamed::add);
            assertThat(r.tokens()).containsExactly(487, 951, 48, 80, 712, 890);
            assertThat(r.reason()).isEqualTo(Generator.StopReason.MAX_TOKENS);
            assertThat(streamed).containsExactly(487, 951, 48, 80, 712, 890);
            Generator.Result stopped = new Generator(engine, new StopTokens(new int[] {48}))
                    .generate(prompt, 6, new Sampler(SamplingParams.greedy(), 1024), t -> { });
            assertThat(stopped.tokens()).containsExactly(487, 951, 48);
            assertThat(stopped.reason()).isEqualTo(Generator.StopReason.STOP_TOKEN);
        }
    }

    @Test
    void seededSamplingIsReproducibleAndRespectsTopK() {
        float[] logits = {0f, 3f, 2.9f, 2.8f, -1f, 1f};
        Sampler a = new Sampler(new SamplingParams(1f, 2, 1f, 42), logits.length);
        Sampler b = new Sampler(new SamplingParams(1f, 2, 1f, 42), logits.length);
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            int x = a.sample(logits);
            assertThat(b.sample(logits)).isEqualTo(x);
            seen.add(x);
        }
        assertThat(seen).containsExactlyInAnyOrder(1, 2);
    }

    @Test
    void topPKeepsSmallestNucleus() {
        // softmax ≈ [0.66, 0.24, 0.09, ...]: top-p 0.5 keeps only the first; 0.8 the first two.
        float[] logits = {2f, 1f, 0f, -3f};
        Sampler p50 = new Sampler(new SamplingParams(1f, 0, 0.5f, 1), 4);
        Sampler p80 = new Sampler(new SamplingParams(1f, 0, 0.8f, 1), 4);
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < 300; i++) {
            assertThat(p50.sample(logits)).isZero();
            seen.add(p80.sample(logits));
        }
        assertThat(seen).containsExactlyInAnyOrder(0, 1);
    }

    @Test
    void lowTemperatureApproachesGreedyAndGreedyBreaksTiesLow() {
        float[] logits = {1f, 5f, 5f, 4.9f};
        assertThat(new Sampler(SamplingParams.greedy(), 4).sample(logits)).isEqualTo(1);
        Sampler cold = new Sampler(new SamplingParams(0.01f, 0, 1f, 7), 4);
        for (int i = 0; i < 50; i++) {
            assertThat(cold.sample(logits)).isIn(1, 2);
        }
        assertThatThrownBy(() -> new SamplingParams(-1f, 0, 1f, 0)).hasMessageContaining("temperature");
        assertThatThrownBy(() -> new SamplingParams(1f, 0, 0f, 0)).hasMessageContaining("top-p");
        assertThat(StopTokens.HARMONY.isStop(200012)).isTrue();
        assertThat(StopTokens.HARMONY.isStop(200007)).isFalse();
    }
}
