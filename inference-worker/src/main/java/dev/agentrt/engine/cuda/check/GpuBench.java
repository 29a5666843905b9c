package dev.agentrt.engine.cuda.check;

import dev.agentrt.engine.cuda.CudaEngine;
import dev.agentrt.engine.cuda.DeviceBuffer;
import dev.agentrt.engine.cuda.Gpu;
import dev.agentrt.generate.Sampler;
import dev.agentrt.generate.SamplingParams;
import dev.agentrt.kv.KvCache;
import dev.agentrt.model.Checkpoint;
import dev.agentrt.model.CheckpointLayout;
import dev.agentrt.model.GptOssConfig;
import dev.agentrt.model.ModelStats;
import dev.agentrt.model.synth.CheckpointSynth;
import dev.agentrt.model.synth.SynthPreset;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The decode benchmark of the device check on a synthetic checkpoint (random weights, exact shapes): load time,
 * prefill of a 1k prompt, batch-1 decode, aggregate decode at larger batches (greedy picks on the device, as the
 * worker decodes), the bytes each token reads, the GPU's measured copy bandwidth, the bound it implies and the
 * achieved fraction; and a per-kernel profile of one single-token forward pass.
 */
final class GpuBench {
    /** What to measure. */
    record Plan(SynthPreset preset, int prompt, int decodeSteps, int[] batches, int batchSteps, int batchPrompt,
                long copyBytes) {
    }

    private final Gpu gpu;
    private final Report report;

    GpuBench(Gpu gpu, Report report) {
        this.gpu = gpu;
        this.report = report;
    }

    /** Writes the checkpoint of {@code preset} into {@code dir} unless it is there; returns the seconds it took. */
    static double synth(SynthPreset preset, Path dir, Report report) throws IOException {
        if (Files.isRegularFile(dir.resolve("config.json"))) {
            return 0;
        }
        long t0 = System.nanoTime();
        CheckpointSynth synth = new CheckpointSynth(preset);
        long total = synth.dataBytes();
        int[] lastTenth = {-1};
        synth.write(dir, CheckpointLayout.ORIGINAL, done -> {
            int tenth = (int) (10 * done / Math.max(1, total));
            if (tenth != lastTenth[0]) {
                lastTenth[0] = tenth;
                System.out.printf("    synth %s: %d%%%n", preset.label(), tenth * 10);
            }
        });
        double s = (System.nanoTime() - t0) / 1e9;
        report.line("    synthetic %s checkpoint: %.2f GB written in %.1f s", preset.label(), total / 1e9, s);
        return s;
    }

    void run(Path dir, Plan plan) throws IOException {
        synth(plan.preset(), dir, report);
        TimingGpu timed = new TimingGpu(gpu);
        int maxBatch = 1;
        for (int b : plan.batches()) {
            maxBatch = Math.max(maxBatch, b);
        }
        int context = Math.max(plan.prompt() + plan.decodeSteps() + 8, plan.batchPrompt() + plan.batchSteps() + 8);
        context = (context + 255) / 256 * 256;
        try (Checkpoint ck = Checkpoint.open(dir)) {
            ck.preload();
            GptOssConfig c = ck.config();
            CudaEngine.Options options = CudaEngine.Options.defaults().withMaxBatch(maxBatch).withMaxContext(context)
                    .withPrefillChunk(Math.max(plan.prompt(), 256)).withKvBf16(true);
            long t0 = System.nanoTime();
            try (CudaEngine engine = new CudaEngine(timed, ck.weights(), options)) {
                double load = (System.nanoTime() - t0) / 1e9;
                long weightBytes = engine.memoryPlan().weights();
                report.line("    engine: %s", engine.describe());
                report.line("    load (upload of %.2f GB of weights, buffers, RoPE tables): %.1f s = %.1f GB/s", weightBytes / 1e9,
                        load, weightBytes / 1e9 / load);
                int vocab = c.vocabSize();
                Sampler greedy = new Sampler(SamplingParams.greedy(), vocab);
                // warm-up: module loads, graph capture of batch 1, JIT
                KvCache warm = engine.newCache(64);
                int tok = engine.prefillAndSample(warm, ModelParity.prompt(32, vocab, 1), greedy);
                int[] next = new int[1];
                for (int i = 0; i < 4; i++) {
                    engine.decodeAndSample(new KvCache[] {warm}, new int[] {tok}, new Sampler[] {greedy}, next);
                    tok = next[0];
                }
                // prefill of the prompt
                int[] prompt = ModelParity.prompt(plan.prompt(), vocab, 2);
                KvCache cache = engine.newCache(context);
                long p0 = System.nanoTime();
                tok = engine.prefillAndSample(cache, prompt, greedy);
                double prefill = (System.nanoTime() - p0) / 1e9;
                report.line("    prefill of %d tokens: %.3f s = %.0f tokens/s", plan.prompt(), prefill, plan.prompt() / prefill);
                // batch-1 decode after it
                long d0 = System.nanoTime();
                for (int i = 0; i < plan.decodeSteps(); i++) {
                    engine.decodeAndSample(new KvCache[] {cache}, new int[] {tok}, new Sampler[] {greedy}, next);
                    tok = next[0];
                }
                double decode = (System.nanoTime() - d0) / 1e9;
                double tps1 = plan.decodeSteps() / decode;
                report.line("    batch-1 decode, %d tokens after the prompt: %.1f tokens/s (%.3f ms/token)", plan.decodeSteps(),
                        tps1, 1e3 * decode / plan.decodeSteps());
                // bandwidth and the bound
                double bw = copyBandwidth(plan.copyBytes());
                ModelStats stats = new ModelStats(c, ModelStats.MXFP4_BYTES_PER_WEIGHT);
                int meanContext = plan.prompt() + plan.decodeSteps() / 2;
                long bytes = stats.weightBytesPerToken() + stats.kvBytesPerToken(meanContext, 2);
                double bound = bw / bytes;
                report.line("    bytes read per token at batch 1 (context %d, BF16 KV): %.3f GB; measured device copy "
                        + "bandwidth %.0f GB/s; bound %.0f tokens/s; achieved %.1f%% of it", meanContext, bytes / 1e9, bw / 1e9,
                        bound, 100 * tps1 / bound);
                // batched decode
                for (int b : plan.batches()) {
                    batched(engine, b, plan, bw, stats);
                }
                // profile: one single-token forward pass (a 1-token prefill runs the decode kernels), kernel by kernel
                timed.profiling = true;
                engine.prefillAndSample(cache, new int[] {tok}, greedy);
                timed.profiling = false;
                double sum = timed.totals().values().stream().mapToDouble(v -> v[0]).sum();
                report.line("    profile of one token (kernels timed one by one, so without overlap): %.3f ms in kernels", sum);
                for (Map.Entry<String, double[]> e : timed.totals().entrySet()) {
                    report.line("      %-24s %8.3f ms  %4.0f launches  %5.1f%%", e.getKey(), e.getValue()[0], e.getValue()[1],
                            100 * e.getValue()[0] / sum);
                }
            }
        }
    }

    private void batched(CudaEngine engine, int b, Plan plan, double bw, ModelStats stats) {
        GptOssConfig c = engine.config();
        int vocab = c.vocabSize();
        KvCache[] caches = new KvCache[b];
        Sampler[] samplers = new Sampler[b];
        int[] tokens = new int[b];
        long p0 = System.nanoTime();
        for (int i = 0; i < b; i++) {
            caches[i] = engine.newCache(engine.maxContext());
            samplers[i] = new Sampler(SamplingParams.greedy(), vocab);
            tokens[i] = engine.prefillAndSample(caches[i], ModelParity.prompt(plan.batchPrompt(), vocab, 10 + i), samplers[i]);
        }
        double prefill = (System.nanoTime() - p0) / 1e9;
        int[] next = new int[b];
        for (int w = 0; w < 2; w++) { // the first step of a batch size captures its graph
            engine.decodeAndSample(caches, tokens, samplers, next);
            System.arraycopy(next, 0, tokens, 0, b);
        }
        long d0 = System.nanoTime();
        for (int s = 0; s < plan.batchSteps(); s++) {
            engine.decodeAndSample(caches, tokens, samplers, next);
            System.arraycopy(next, 0, tokens, 0, b);
        }
        double t = (System.nanoTime() - d0) / 1e9;
        double tps = (double) b * plan.batchSteps() / t;
        // The bound of a step: non-expert weights once, the union of chosen experts once (uniform routing), KV per sequence.
        double e = c.numExperts();
        double union = e * (1 - Math.pow(1 - c.expertsPerToken() / e, b));
        long perExpert = Math.round(stats.weightsPerExpert() * ModelStats.MXFP4_BYTES_PER_WEIGHT) + 2 * stats.biasesPerExpert();
        long expertsAtBatch1 = (long) c.numHiddenLayers() * c.expertsPerToken() * perExpert;
        double stepBytes = stats.weightBytesPerToken() - expertsAtBatch1 + c.numHiddenLayers() * union * perExpert
                + (double) b * stats.kvBytesPerToken(plan.batchPrompt() + plan.batchSteps() / 2, 2);
        double bound = b * bw / stepBytes;
        report.line("    batch %d: %.0f tokens/s aggregate (%.1f per sequence, %.2f ms/step); bound %.0f tokens/s "
                + "(%.2f GB per step: ~%.1f experts of %d per layer); achieved %.1f%%; prefill of %d x %d tokens %.2f s", b, tps,
                tps / b, 1e3 * t / plan.batchSteps(), bound, stepBytes / 1e9, union, c.numExperts(), 100 * tps / bound, b,
                plan.batchPrompt(), prefill);
        for (KvCache kc : caches) {
            ((dev.agentrt.engine.cuda.CudaKvCache) kc).release();
        }
    }

    /** Device-to-device copies of two buffers of up to {@code max} bytes each: bytes read + written per second. */
    private double copyBandwidth(long max) {
        long bytes = Math.min(max, Math.max(64L << 20, gpu.freeMemory() / 4));
        DeviceBuffer a = gpu.alloc(bytes);
        DeviceBuffer b = gpu.alloc(bytes);
        try {
            gpu.fill(a, 0, bytes, (byte) 1);
            gpu.copyOnDevice(b, 0, a, 0, bytes);
            gpu.synchronize();
            int reps = 8;
            double best = Double.MAX_VALUE;
            for (int round = 0; round < 3; round++) {
                double ms = gpu.time(() -> {
                    for (int i = 0; i < reps; i++) {
                        gpu.copyOnDevice(b, 0, a, 0, bytes);
                    }
                });
                best = Math.min(best, ms);
            }
            return 2.0 * bytes * reps / (best / 1e3);
        } finally {
            gpu.free(a);
            gpu.free(b);
        }
    }
}
