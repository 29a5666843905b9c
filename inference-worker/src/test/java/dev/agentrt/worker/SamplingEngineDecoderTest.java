package dev.agentrt.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentrt.avro.InferenceRequest;
import dev.agentrt.engine.Engine;
import dev.agentrt.engine.SamplingEngine;
import dev.agentrt.engine.cpu.CpuEngine;
import dev.agentrt.generate.Sampler;
import dev.agentrt.harmony.HarmonyEncoding;
import dev.agentrt.kv.KvCache;
import dev.agentrt.model.Checkpoint;
import dev.agentrt.model.CheckpointLayout;
import dev.agentrt.model.GptOssConfig;
import dev.agentrt.model.TinyCheckpoints;
import dev.agentrt.model.synth.SynthPreset;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With an engine that picks tokens itself ({@link SamplingEngine}, as the CUDA engine does on the device), the batch
 * decoder asks it for ids instead of logits, and the turns come out exactly as with the logits path.
 */
class SamplingEngineDecoderTest {
    private static final PromptBuilder PROMPTS = new PromptBuilder(HarmonyEncoding.o200kHarmony());

    @TempDir
    static Path dir;
    static Checkpoint checkpoint;
    static CpuEngine cpu;

    /** TEST ONLY: the CPU engine with the picks made "inside" it, drawing from each sequence's sampler. */
    static final class PickingEngine implements SamplingEngine {
        final Engine engine;
        final AtomicInteger sampledCalls = new AtomicInteger();
        final AtomicInteger logitCalls = new AtomicInteger();

        PickingEngine(Engine engine) {
            this.engine = engine;
        }

        @Override public GptOssConfig config() { return engine.config(); }
        @Override public KvCache newCache(int maxContext) { return engine.newCache(maxContext); }

        @Override
        public void prefill(KvCache cache, int[] tokens, float[] lastLogits) {
            logitCalls.incrementAndGet();
            engine.prefill(cache, tokens, lastLogits);
        }

        @Override
        public void prefillAll(KvCache cache, int[] tokens, float[][] logits) {
            logitCalls.incrementAndGet();
            engine.prefillAll(cache, tokens, logits);
        }

        @Override
        public void decode(KvCache[] caches, int[] tokens, float[][] logits) {
            logitCalls.incrementAndGet();
            engine.decode(caches, tokens, logits);
        }

        @Override
        public int prefillAndSample(KvCache cache, int[] tokens, Sampler sampler) {
            sampledCalls.incrementAndGet();
            float[] logits = new float[config().vocabSize()];
            engine.prefill(cache, tokens, logits);
            return sampler.sample(logits);
        }

        @Override
        public void decodeAndSample(KvCache[] caches, int[] tokens, Sampler[] samplers, int[] next) {
            sampledCalls.incrementAndGet();
            float[][] logits = new float[tokens.length][config().vocabSize()];
            engine.decode(caches, tokens, logits);
            for (int i = 0; i < tokens.length; i++) {
                next[i] = samplers[i].sample(logits[i]);
            }
        }

        @Override
        public void close() {
        }
    }

    @BeforeAll
    static void open() {
        checkpoint = Checkpoint.open(TinyCheckpoints.write(SynthPreset.TINY_FULL, CheckpointLayout.ORIGINAL, dir));
        cpu = new CpuEngine(checkpoint.weights());
    }

    @AfterAll
    static void close() {
        cpu.close();
        checkpoint.close();
    }

    private static List<RecordingSink> run(Engine engine, List<InferenceRequest> requests) {
        var footprint = new KvCacheFootprint(engine.config());
        BatchDecoder decoder = new BatchDecoder(engine, PROMPTS, new KvCacheAffinity(64L << 20, footprint::bytes),
            new DecoderSettings(3, 512), Clock.systemUTC(), "worker-test");
        List<RecordingSink> sinks = new ArrayList<>();
        for (InferenceRequest r : requests) {
            var sink = new RecordingSink();
            sinks.add(sink);
            decoder.submit(r, Instant.now(), sink);
        }
        for (int i = 0; !decoder.idle(); i++) {
            assertThat(i).as("steps").isLessThan(1000);
            decoder.step();
        }
        return sinks;
    }

    @Test
    void decoderUsesTheEnginesPicksAndGetsTheSameTurns() {
        List<InferenceRequest> requests = IntStream.range(0, 3)
            .mapToObj(i -> i == 0 ? Requests.simple("greedy", 1, 5) : Requests.sampled("conv-" + i, 5, 77 + i))
            .toList();
        PickingEngine picking = new PickingEngine(cpu);
        List<RecordingSink> viaPicks = run(picking, requests);
        List<RecordingSink> viaLogits = run(cpu, requests);
        assertThat(picking.logitCalls.get()).as("logit calls on a sampling engine").isZero();
        assertThat(picking.sampledCalls.get()).isPositive();
        for (int i = 0; i < requests.size(); i++) {
            assertThat(viaPicks.get(i).tokens()).as("request %d", i).containsExactly(viaLogits.get(i).tokens()).hasSize(5);
            assertThat(viaPicks.get(i).result().getStopReason()).isEqualTo(viaLogits.get(i).result().getStopReason());
        }
    }
}
