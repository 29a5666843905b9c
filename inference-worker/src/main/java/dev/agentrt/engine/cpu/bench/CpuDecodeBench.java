package dev.agentrt.engine.cpu.bench;

import dev.agentrt.engine.cpu.CpuEngine;
import dev.agentrt.engine.cpu.Parallel;
import dev.agentrt.engine.cpu.PhaseTimes;
import dev.agentrt.kv.KvCache;
import dev.agentrt.model.Checkpoint;
import dev.agentrt.model.LayerWeights;
import dev.agentrt.model.ModelStats;
import dev.agentrt.model.ModelWeights;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * CPU decode benchmark: prefill tok/s, batch-1 decode tok/s, batched decode tok/s, peak RSS, and the measured
 * streaming-read bandwidth with the resulting bound (bandwidth / bytes read per token), printed as achieved/bound.
 *
 * <p>Usage: {@code CpuDecodeBench --model DIR [--prefill 128,1024] [--decode 64] [--batches 4,16]
 * [--batch-steps 8] [--threads N] [--probe-mib 1024]}
 */
public final class CpuDecodeBench {
    /** All settings of one run. */
    public record Options(Path model, int[] prefill, int decode, int[] batches, int batchSteps, int threads,
                          long probeBytes) {
        public Options(Path model, int[] prefill, int decode, int[] batches, int batchSteps, int threads) {
            this(model, prefill, decode, batches, batchSteps, threads, 1L << 30);
        }
    }

    private CpuDecodeBench() {
    }

    public static void main(String[] args) throws IOException {
        run(parse(args), new PrintWriter(System.out, true));
    }

    static Options parse(String[] args) {
        Path model = null;
        int[] prefill = {128, 1024};
        int decode = 64;
        int[] batches = {4, 16};
        int steps = 8;
        int threads = Runtime.getRuntime().availableProcessors();
        long probeBytes = 1L << 30;
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--model" -> model = Path.of(required(args[i], value));
                case "--prefill" -> prefill = ints(required(args[i], value));
                case "--decode" -> decode = Integer.parseInt(required(args[i], value));
                case "--batches" -> batches = ints(required(args[i], value));
                case "--batch-steps" -> steps = Integer.parseInt(required(args[i], value));
                case "--threads" -> threads = Integer.parseInt(required(args[i], value));
                case "--probe-mib" -> probeBytes = Long.parseLong(required(args[i], value)) << 20;
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
            i++;
        }
        if (model == null) {
            throw new IllegalArgumentException("--model DIR is required");
        }
        return new Options(model, prefill, decode, batches, steps, threads, probeBytes);
    }

    /**
     * Time per step by phase, and for decode ({@code batch > 0}) the rate at which the phases that stream weights
     * read them (each weight once per step; experts: the batch's distinct experts, at most {@code batch × experts
     * per token} per layer).
     */
    private static void printPhases(PrintWriter out, PhaseTimes times, ModelWeights w, int steps, int batch,
                                    String per) {
        long qkv = 0;
        long proj = 0;
        long mlp1 = 0;
        long mlp2 = 0;
        int active = Math.min(w.config().numExperts(), batch * w.config().expertsPerToken());
        for (LayerWeights l : w.layers()) {
            qkv += l.q().data().byteSize() + l.k().data().byteSize() + l.v().data().byteSize();
            proj += l.out().data().byteSize();
            mlp1 += active * l.mlp1().bytesPerExpert();
            mlp2 += active * l.mlp2().bytesPerExpert();
        }
        Map<PhaseTimes.Phase, Long> bytes = new EnumMap<>(PhaseTimes.Phase.class);
        bytes.put(PhaseTimes.Phase.QKV, qkv);
        bytes.put(PhaseTimes.Phase.OUT, proj);
        bytes.put(PhaseTimes.Phase.MLP1, mlp1);
        bytes.put(PhaseTimes.Phase.MLP2, mlp2);
        bytes.put(PhaseTimes.Phase.UNEMBEDDING, w.unembedding().data().byteSize());
        StringBuilder line = new StringBuilder("  " + per + " by phase:");
        for (PhaseTimes.Phase p : PhaseTimes.Phase.values()) {
            double ns = times.nanos(p) / (double) steps;
            line.append(ns >= 1e9 ? String.format(" %s %.2f s", p.name().toLowerCase(java.util.Locale.ROOT), ns / 1e9)
                    : String.format(" %s %.1f ms", p.name().toLowerCase(java.util.Locale.ROOT), ns / 1e6));
            if (bytes.containsKey(p) && ns > 0 && batch > 0) {
                boolean bound = batch > 1 && (p == PhaseTimes.Phase.MLP1 || p == PhaseTimes.Phase.MLP2);
                line.append(String.format(bound ? " (≤ %.1f GB/s)" : " (%.1f GB/s)", bytes.get(p) / ns));
            }
            line.append(p.ordinal() < PhaseTimes.Phase.values().length - 1 ? "," : "");
        }
        out.println(line);
    }

    private static String required(String option, String value) {
        if (value == null) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return value;
    }

    private static int[] ints(String csv) {
        return csv.isBlank() ? new int[0] : java.util.Arrays.stream(csv.split(",")).mapToInt(Integer::parseInt).toArray();
    }

    public static void run(Options o, PrintWriter out) throws IOException {
        try (Parallel pool = new Parallel(o.threads()); Checkpoint ckpt = Checkpoint.open(o.model())) {
            long loadStart = System.nanoTime();
            var weights = ckpt.residentWeights();
            out.printf("loaded %.1f GB in %.1f s: %s%n", ckpt.totalBytes() / 1e9, (System.nanoTime() - loadStart) / 1e9,
                    ckpt.residency());
            ModelStats stats = ModelStats.of(weights);
            int vocab = weights.config().vocabSize();
            // Random prompts from the ordinary text range (ids above 200k are Harmony specials and reserved).
            int ids = Math.min(vocab, 200_000);
            out.printf("model %s (%s layout), %d layers, %d experts, threads %d%n", o.model(), ckpt.layout().label(),
                    weights.config().numHiddenLayers(), weights.config().numExperts(), pool.threads());
            double bandwidth = BandwidthProbe.measure(pool, o.probeBytes(), 5);
            long weightBytes = stats.weightBytesPerToken();
            out.printf("streaming-read bandwidth: %.2f GB/s; weight bytes per token: %.3f GB%n", bandwidth / 1e9,
                    weightBytes / 1e9);
            try (CpuEngine engine = new CpuEngine(weights, pool, CpuEngine.DEFAULT_MAX_ROWS)) {
                SplittableRandom rnd = new SplittableRandom(7);
                float[] logits = new float[vocab];
                // Warm-up: touch every page once (the first pass reads the checkpoint from disk) and JIT the kernels.
                KvCache warm = engine.newCache(64);
                engine.prefill(warm, rnd.ints(8, 0, ids).toArray(), logits);
                for (int i = 0; i < 8; i++) {
                    engine.decode(new KvCache[] {warm}, new int[] {rnd.nextInt(ids)}, new float[][] {logits});
                }
                for (int n : o.prefill()) {
                    KvCache cache = engine.newCache(n);
                    int[] prompt = rnd.ints(n, 0, ids).toArray();
                    engine.phaseTimes().enable();
                    long t0 = System.nanoTime();
                    engine.prefill(cache, prompt, logits);
                    double s = (System.nanoTime() - t0) / 1e9;
                    engine.phaseTimes().disable();
                    out.printf("prefill %5d tokens: %8.2f s  %8.2f tok/s%n", n, s, n / s);
                    printPhases(out, engine.phaseTimes(), weights, 1, 0, "whole prefill");
                    out.flush();
                }
                if (o.decode() > 0) {
                    KvCache cache = engine.newCache(16 + o.decode());
                    engine.prefill(cache, rnd.ints(16, 0, ids).toArray(), logits);
                    int token = dev.agentrt.generate.Sampler.argmax(logits, vocab);
                    // This VM's bandwidth drifts (25-56 GB/s between runs, and low right after the load while the
                    // kernel settles the new pages): probe again on both sides of the decode and bound by the best
                    // figure, which can only make achieved/bound smaller.
                    double before = BandwidthProbe.measure(pool, o.probeBytes(), 5);
                    engine.phaseTimes().enable();
                    long t0 = System.nanoTime();
                    for (int i = 0; i < o.decode(); i++) {
                        engine.decode(new KvCache[] {cache}, new int[] {token}, new float[][] {logits});
                        token = dev.agentrt.generate.Sampler.argmax(logits, vocab);
                    }
                    double s = (System.nanoTime() - t0) / 1e9;
                    engine.phaseTimes().disable();
                    double after = BandwidthProbe.measure(pool, o.probeBytes(), 5);
                    double best = Math.max(bandwidth, Math.max(before, after));
                    double tps = o.decode() / s;
                    long bytes = weightBytes + stats.kvBytesPerToken(16 + o.decode() / 2, 4);
                    double bound = best / bytes;
                    out.printf("streaming-read bandwidth just before / after the decode: %.2f / %.2f GB/s; the bound"
                            + " uses the best of the three probes, %.2f GB/s%n", before / 1e9, after / 1e9, best / 1e9);
                    out.printf("decode batch 1, %d tokens: %.2f tok/s; bound %.2f tok/s; achieved/bound %.1f%%%n",
                            o.decode(), tps, bound, 100 * tps / bound);
                    printPhases(out, engine.phaseTimes(), weights, o.decode(), 1, "per token");
                }
                for (int b : o.batches()) {
                    List<KvCache> caches = new ArrayList<>();
                    float[][] rows = new float[b][vocab];
                    int[] tokens = new int[b];
                    for (int s = 0; s < b; s++) {
                        KvCache c = engine.newCache(8 + o.batchSteps());
                        engine.prefill(c, rnd.ints(8, 0, ids).toArray(), rows[s]);
                        caches.add(c);
                        tokens[s] = rnd.nextInt(ids);
                    }
                    KvCache[] arr = caches.toArray(KvCache[]::new);
                    engine.phaseTimes().enable();
                    long t0 = System.nanoTime();
                    for (int step = 0; step < o.batchSteps(); step++) {
                        engine.decode(arr, tokens, rows);
                        for (int s = 0; s < b; s++) {
                            tokens[s] = dev.agentrt.generate.Sampler.argmax(rows[s], vocab);
                        }
                    }
                    double s = (System.nanoTime() - t0) / 1e9;
                    engine.phaseTimes().disable();
                    out.printf("decode batch %d, %d steps: %.2f tok/s (%.2f steps/s)%n", b, o.batchSteps(),
                            b * o.batchSteps() / s, o.batchSteps() / s);
                    printPhases(out, engine.phaseTimes(), weights, o.batchSteps(), b, "per step");
                }
            }
            out.printf("peak RSS: %s%n", peakRss());
        }
    }

    /** VmHWM from /proc (Linux); "unknown" elsewhere. */
    static String peakRss() throws IOException {
        Path status = Path.of("/proc/self/status");
        if (!Files.isReadable(status)) {
            return "unknown";
        }
        return Files.readAllLines(status).stream().filter(l -> l.startsWith("VmHWM:"))
                .map(l -> l.substring(6).trim()).findFirst().orElse("unknown");
    }
}
