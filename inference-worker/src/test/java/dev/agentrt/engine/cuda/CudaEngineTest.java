package dev.agentrt.engine.cuda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.agentrt.engine.cpu.CpuEngine;
import dev.agentrt.engine.cuda.check.KernelChecks;
import dev.agentrt.engine.cuda.check.ModelParity;
import dev.agentrt.generate.Generator;
import dev.agentrt.generate.Sampler;
import dev.agentrt.generate.SamplingParams;
import dev.agentrt.generate.StopTokens;
import dev.agentrt.kv.KvCache;
import dev.agentrt.model.Checkpoint;
import dev.agentrt.model.CheckpointLayout;
import dev.agentrt.model.TinyCheckpoints;
import dev.agentrt.model.synth.SynthPreset;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole CUDA engine on the kernel emulator with the tiny checkpoint: the spec's reference logits, parity with the
 * CPU engine (prefill in chunks past the sliding window and page boundaries, greedy steps, batched decode, device
 * sampling), graphs and tensor cores on and off, both KV element types, both checkpoint layouts, and the failure
 * paths. (Prefill chunks of 16 rows run the tensor-core kernels.)
 */
class CudaEngineTest {
    static final int[] PROMPT_1K = {1, 5, 7, 100, 3, 9, 42, 17, 8, 2};

    @TempDir
    static Path tmp;
    static Checkpoint tiny;
    static Checkpoint tinyHf;
    static EmulatedGpu gpu;

    static CudaEngine.Options options() {
        return CudaEngine.Options.defaults().withMaxBatch(4).withMaxContext(128).withPrefillChunk(16).withKvBf16(false);
    }

    @BeforeAll
    static void setUp() {
        var lib = EmulatedGpu.library();
        assumeTrue(lib.isPresent(), "no kernel emulator (target/cuda-emulator; built only where g++ exists)");
        gpu = EmulatedGpu.open(lib.get());
        tiny = Checkpoint.open(TinyCheckpoints.write(SynthPreset.TINY_1K, CheckpointLayout.ORIGINAL, tmp.resolve("o")));
        tinyHf = Checkpoint.open(TinyCheckpoints.write(SynthPreset.TINY_1K, CheckpointLayout.HF, tmp.resolve("h")));
    }

    @AfterAll
    static void tearDown() {
        if (gpu != null) {
            tiny.close();
            tinyHf.close();
            gpu.close();
        }
    }

    @Test
    void reproducesTheTorchReferenceLogitsAndGreedyTokens() {
        try (CudaEngine engine = new CudaEngine(gpu, tiny.weights(), options())) {
            float[][] logits = engine.logitsAll(PROMPT_1K);
            float[] last = logits[logits.length - 1];
            float[] want = {0.232327f, 0.638647f, 0.142479f, -0.508254f, -0.755694f, -0.068180f};
            for (int i = 0; i < want.length; i++) {
                assertThat(last[i]).isCloseTo(want[i], org.assertj.core.data.Offset.offset(1e-4f));
            }
            int[] argmax = new int[logits.length];
            for (int i = 0; i < logits.length; i++) {
                argmax[i] = Sampler.argmax(logits[i], 1024);
            }
            assertThat(argmax).containsExactly(251, 921, 301, 777, 342, 404, 34, 419, 985, 487);
            // Generator takes the device-sampling path (SamplingEngine): only ids come back.
            Generator.Result r = new Generator(engine, StopTokens.NONE)
                    .generate(PROMPT_1K, 6, new Sampler(SamplingParams.greedy(), 1024), t -> { });
            assertThat(r.tokens()).containsExactly(487, 951, 48, 80, 712, 890);
        }
    }

    private static void assertAllPass(List<KernelChecks.Check> checks) {
        for (KernelChecks.Check c : checks) {
            assertThat(c.passed()).as(c.toString()).isTrue();
        }
    }

    @Test
    void matchesTheCpuEngineWithGraphs() {
        try (CpuEngine cpu = new CpuEngine(tiny.weights()); CudaEngine engine = new CudaEngine(gpu, tiny.weights(), options())) {
            assertAllPass(new ModelParity(cpu, engine, 1e-4).run("tiny-1k", 45, 10, 3));
        }
    }

    @Test
    void matchesTheCpuEngineWithoutGraphsOrTensorCoresAndOnTheHfLayout() {
        try (CpuEngine cpu = new CpuEngine(tiny.weights());
             CudaEngine engine = new CudaEngine(gpu, tinyHf.weights(), options().withGraphs(false).withTensorCores(false))) {
            assertAllPass(new ModelParity(cpu, engine, 1e-4).run("tiny-1k HF, no graphs, no tensor cores", 37, 6, 2));
        }
    }

    @Test
    void bf16KvCacheStaysClose() {
        try (CpuEngine cpu = new CpuEngine(tiny.weights());
             CudaEngine engine = new CudaEngine(gpu, tiny.weights(), options().withKvBf16(true))) {
            ModelParity parity = new ModelParity(cpu, engine, 2e-2);
            assertThat(parity.prefill("tiny-1k BF16 KV", ModelParity.prompt(40, 1024, 3)).passed()).isTrue();
            assertThat(parity.batched("tiny-1k BF16 KV", 4, 3).passed()).isTrue();
        }
    }

    @Test
    void graphReplayGivesTheSameLogitsAsDirectLaunches() {
        try (CudaEngine a = new CudaEngine(gpu, tiny.weights(), options());
             CudaEngine b = new CudaEngine(gpu, tiny.weights(), options().withGraphs(false))) {
            KvCache ca = a.newCache(64);
            KvCache cb = b.newCache(64);
            float[] la = new float[1024];
            float[] lb = new float[1024];
            a.prefill(ca, PROMPT_1K, la);
            b.prefill(cb, PROMPT_1K, lb);
            for (int step = 0; step < 5; step++) {
                int t = Sampler.argmax(la, 1024);
                a.decode(new KvCache[] {ca}, new int[] {t}, new float[][] {la});
                b.decode(new KvCache[] {cb}, new int[] {t}, new float[][] {lb});
                assertThat(la).containsExactly(lb);
            }
        }
    }

    @Test
    void sampledDecodingIsReproducibleFromTheSeed() {
        try (CudaEngine engine = new CudaEngine(gpu, tiny.weights(), options())) {
            List<List<Integer>> runs = new ArrayList<>();
            for (int run = 0; run < 2; run++) {
                List<Integer> tokens = new ArrayList<>();
                new Generator(engine, StopTokens.NONE).generate(PROMPT_1K, 8,
                        new Sampler(new SamplingParams(0.9f, 40, 0.9f, 1234L), 1024), tokens::add);
                runs.add(tokens);
            }
            assertThat(runs.get(0)).hasSize(8).isEqualTo(runs.get(1)).allMatch(t -> t >= 0 && t < 1024);
        }
    }

    @Test
    void decodesMoreSequencesThanTheBatchInSeveralSteps() {
        try (CpuEngine cpu = new CpuEngine(tiny.weights()); CudaEngine engine = new CudaEngine(gpu, tiny.weights(), options())) {
            assertThat(new ModelParity(cpu, engine, 1e-4).batched("tiny-1k, 6 sequences on batch 4", 6, 2).passed()).isTrue();
        }
    }

    @Test
    void tooLittleGpuMemoryFailsWithOneClearMessage() {
        try (EmulatedGpu small = EmulatedGpu.open(EmulatedGpu.library().orElseThrow(), 1L << 20)) {
            assertThatThrownBy(() -> new CudaEngine(small, tiny.weights(), options()))
                    .isInstanceOf(CudaUnavailableException.class)
                    .hasMessageContaining("not enough GPU memory")
                    .hasMessageContaining("GiB free");
            assertThat(small.freeMemory()).isEqualTo(1L << 20); // nothing was allocated
        }
    }

    @Test
    void kvCachePagesAreBoundedAndReturned() {
        try (CudaEngine engine = new CudaEngine(gpu, tiny.weights(), options().withKvTokens(128))) {
            assertThat(engine.kvCachePositions()).isEqualTo(128);
            CudaKvCache a = engine.newCache(128);
            float[] logits = new float[1024];
            engine.prefill(a, ModelParity.prompt(100, 1024, 1), logits);
            // 100 positions = 4 pages of 32; float32 K and V of 2 layers x 2 KV heads x 16 = 512 bytes a position
            assertThat(a.deviceBytes()).isEqualTo(4L * 32 * 512);
            CudaKvCache b = engine.newCache(128);
            assertThatThrownBy(() -> engine.prefill(b, ModelParity.prompt(40, 1024, 2), logits))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("GPU KV cache is full");
            a.release();
            engine.prefill(b, ModelParity.prompt(40, 1024, 2), logits);
            assertThatThrownBy(() -> engine.prefill(b, ModelParity.prompt(100, 1024, 2), logits))
                    .hasMessageContaining("context overflow");
            assertThatThrownBy(() -> engine.prefill(engine.newCache(8), new int[] {1024}, logits))
                    .hasMessageContaining("outside the vocabulary");
        }
    }
}
