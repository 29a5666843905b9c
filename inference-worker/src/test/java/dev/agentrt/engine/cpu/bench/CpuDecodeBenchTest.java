package dev.agentrt.engine.cpu.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentrt.engine.cpu.Parallel;
import dev.agentrt.model.CheckpointLayout;
import dev.agentrt.model.TinyCheckpoints;
import dev.agentrt.model.synth.SynthPreset;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The benchmark's plumbing on a tiny checkpoint (its figures are only meaningful on a 20b one). */
class CpuDecodeBenchTest {
    @TempDir
    Path tmp;

    @Test
    void printsEveryFigureWithTheBound() throws Exception {
        Path model = TinyCheckpoints.write(SynthPreset.TINY_1K, CheckpointLayout.ORIGINAL, tmp.resolve("m"));
        StringWriter text = new StringWriter();
        CpuDecodeBench.run(CpuDecodeBench.parse(new String[] {"--model", model.toString(), "--prefill", "8",
                "--decode", "4", "--batches", "2", "--batch-steps", "2", "--threads", "2", "--probe-mib", "32"}),
                new PrintWriter(text, true));
        assertThat(text.toString())
                .containsPattern("loaded .* GB in .* s: resident")
                .containsPattern("streaming-read bandwidth: [0-9.]+ GB/s; weight bytes per token: [0-9.]+ GB")
                .containsPattern("prefill +8 tokens: .* tok/s")
                .containsPattern("bandwidth just before / after the decode: [0-9.]+ / [0-9.]+ GB/s; the bound uses the best of the three probes, [0-9.]+ GB/s")
                .containsPattern("decode batch 1, 4 tokens: [0-9.]+ tok/s; bound [0-9.]+ tok/s; achieved/bound [0-9.]+%")
                .containsPattern("decode batch 2, 2 steps: [0-9.]+ tok/s")
                .contains("peak RSS:");
    }

    @Test
    void bandwidthProbeMeasuresSomething() {
        try (Parallel pool = new Parallel(3)) { // a chunk size that is not a multiple of the unrolled step
            double bytesPerSecond = BandwidthProbe.measure(pool, 7L << 20, 2);
            assertThat(bytesPerSecond).isPositive().isFinite(); // cold, unoptimised vector code here: no lower bound
        }
    }

    @Test
    void rejectsUnknownOptions() {
        assertThatThrownBy(() -> CpuDecodeBench.parse(new String[] {"--model", "x", "--frobnicate", "1"}))
                .hasMessageContaining("unknown option --frobnicate");
        assertThatThrownBy(() -> CpuDecodeBench.parse(new String[] {"--decode", "4"}))
                .hasMessageContaining("--model DIR is required");
    }
}
