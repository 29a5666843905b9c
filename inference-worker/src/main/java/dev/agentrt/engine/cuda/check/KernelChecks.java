package dev.agentrt.engine.cuda.check;

import dev.agentrt.engine.cpu.AttentionKernel;
import dev.agentrt.engine.cpu.Bf16Matmul;
import dev.agentrt.engine.cpu.Embedding;
import dev.agentrt.engine.cpu.Mxfp4Matmul;
import dev.agentrt.engine.cpu.Parallel;
import dev.agentrt.engine.cpu.RmsNorm;
import dev.agentrt.engine.cpu.Rope;
import dev.agentrt.engine.cpu.Router;
import dev.agentrt.engine.cpu.SwiGlu;
import dev.agentrt.engine.cuda.AttentionKernels;
import dev.agentrt.engine.cuda.Bf16MatmulKernels;
import dev.agentrt.engine.cuda.CombineKernels;
import dev.agentrt.engine.cuda.KvLayout;
import dev.agentrt.engine.cuda.DeviceBuffer;
import dev.agentrt.engine.cuda.EmbeddingKernels;
import dev.agentrt.engine.cuda.Gpu;
import dev.agentrt.engine.cuda.MoeKernels;
import dev.agentrt.engine.cuda.RmsNormKernels;
import dev.agentrt.engine.cuda.RopeKernels;
import dev.agentrt.engine.cuda.RouterKernels;
import dev.agentrt.engine.cuda.SamplingKernels;
import dev.agentrt.model.Bf16;
import dev.agentrt.model.Bf16Matrix;
import dev.agentrt.model.ExpertWeights;
import dev.agentrt.model.GptOssConfig;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Each CUDA kernel family against its CPU twin — the CPU engine's own functions ({@code RmsNorm}, {@code Bf16Matmul},
 * {@code Rope}, {@code AttentionKernel}, {@code Router}, {@code Mxfp4Matmul}, {@code SwiGlu}, the {@code Sampler}'s
 * rules) — on random inputs of awkward sizes. The unit tests run these on the kernel emulator and, where there is
 * one, on the GPU; {@link DeviceCheck} runs them on the device machine without JUnit.
 */
public final class KernelChecks implements AutoCloseable {
    /** One comparison: the largest error relative to the largest reference magnitude, and whether it is within tolerance. */
    public record Check(String name, double error, double tolerance, String detail) {
        public boolean passed() {
            return error <= tolerance;
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%-5s %-44s error %.2e (tolerance %.0e)%s", passed() ? "ok" : "FAIL", name, error,
                    tolerance, detail.isEmpty() ? "" : " " + detail);
        }
    }

    private static final float EPS = 1e-5f;
    private static final double FP32 = 2e-5;

    private final Gpu gpu;
    private final SplittableRandom rnd;
    private final Arena arena = Arena.ofShared();
    private final Parallel pool = new Parallel(1);
    private final List<DeviceBuffer> buffers = new ArrayList<>();

    public KernelChecks(Gpu gpu, long seed) {
        this.gpu = gpu;
        this.rnd = new SplittableRandom(seed);
    }

    /** Every check, in the order of the forward pass. */
    public List<Check> all() {
        List<Check> out = new ArrayList<>();
        out.add(embedding());
        out.add(rmsnorm());
        for (int tokens : new int[] {1, 2, 3, 5, 9}) {
            out.add(bf16Matmul(333, 2880, tokens, tokens == 3));
        }
        out.add(bf16Matmul(40, 4104, 3, false));
        out.add(bf16Matmul(5120, 64, 2, false));
        out.add(bf16Matmul(333, 2880, 16, false));
        out.add(bf16Matmul(333, 2880, 37, true));
        out.add(bf16Matmul(200, 200, 130, false));
        out.add(bf16Matmul(40, 2880, 20, false, false));
        out.add(ropeKv(false));
        out.add(ropeKv(true));
        out.add(attention(false, 0, 2, 64, 16, 2));
        out.add(attention(false, 40, 1, 64, 8, 1));
        out.add(attention(false, 0, 3, 16, 4, 2));
        out.add(attention(true, 0, 2, 64, 8, 1));
        out.add(attention(true, 128, 8, 64, 8, 1));
        out.add(attention(false, 0, 64, 128, 8, 4));
        out.add(router(7, 320, 32, 4));
        out.add(router(3, 64, 4, 2));
        out.add(moe(6, 96, 64, 4, 2));
        out.add(moe(1, 2880, 2880, 32, 4));
        out.add(moe(40, 96, 64, 4, 2));
        out.add(moe(150, 64, 96, 2, 2));
        out.add(moe(6, 320, 256, 8, 2, true));
        out.add(moe(4, 2880, 2880, 8, 2, true));
        out.add(combine());
        out.addAll(sampling());
        return out;
    }

    // ---- host <-> device helpers ----

    private DeviceBuffer dev(long bytes) {
        DeviceBuffer b = gpu.alloc(bytes);
        buffers.add(b);
        return b;
    }

    private DeviceBuffer up(float[] a) {
        DeviceBuffer b = dev(4L * a.length);
        gpu.upload(b, 0, MemorySegment.ofArray(a));
        return b;
    }

    private DeviceBuffer up(int[] a) {
        DeviceBuffer b = dev(4L * a.length);
        gpu.upload(b, 0, MemorySegment.ofArray(a));
        return b;
    }

    private DeviceBuffer up(MemorySegment s) {
        DeviceBuffer b = dev(s.byteSize());
        gpu.upload(b, 0, s);
        return b;
    }

    private float[] downFloats(DeviceBuffer b, int n) {
        gpu.synchronize();
        float[] a = new float[n];
        gpu.download(MemorySegment.ofArray(a), b, 0);
        return a;
    }

    private int[] downInts(DeviceBuffer b, int n) {
        gpu.synchronize();
        int[] a = new int[n];
        gpu.download(MemorySegment.ofArray(a), b, 0);
        return a;
    }

    private float[] randoms(int n, double lo, double hi) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) rnd.nextDouble(lo, hi);
        }
        return a;
    }

    /** A random BF16 matrix in native memory. */
    private Bf16Matrix bf16(int rows, int cols, double scale) {
        MemorySegment seg = arena.allocate(2L * rows * cols, 16);
        for (long i = 0; i < (long) rows * cols; i++) {
            seg.set(Bf16.LE, 2 * i, Bf16.fromFloat((float) rnd.nextDouble(-scale, scale)));
        }
        return new Bf16Matrix(rows, cols, seg);
    }

    private static float bf16Round(float v) {
        return Bf16.toFloat(Bf16.fromFloat(v));
    }

    /** Max |a − b| over max |b| (or the absolute error when the reference is all zero). */
    private static double error(float[] got, float[] want, int n) {
        double maxErr = 0;
        double maxRef = 0;
        for (int i = 0; i < n; i++) {
            double e = Math.abs((double) got[i] - want[i]);
            if (Double.isNaN(got[i]) != Double.isNaN(want[i]) || Float.isInfinite(got[i]) != Float.isInfinite(want[i])) {
                return Double.POSITIVE_INFINITY;
            }
            if (!Double.isNaN(e)) {
                maxErr = Math.max(maxErr, e);
            }
            maxRef = Math.max(maxRef, Math.abs(want[i]));
        }
        return maxRef > 0 ? maxErr / maxRef : maxErr;
    }

    private static GptOssConfig shape(int heads, int kvHeads, int headDim) {
        return GptOssConfig.of(2, 4, 2, 1024, 64, 64, 7.0f, headDim, heads, kvHeads, 4, 4096, 150000f, 32f, 1f, 32f);
    }

    // ---- the checks ----

    /** embed_rmsnorm vs Embedding.lookup + RmsNorm.apply. */
    public Check embedding() {
        int vocab = 300;
        int dim = 96;
        int rows = 5;
        Bf16Matrix table = bf16(vocab, dim, 1.0);
        int[] tokens = {0, 299, 17, 17, 150};
        float[] scale = randoms(dim, 0.9, 1.1);
        DeviceBuffer x = dev(4L * rows * dim);
        DeviceBuffer normed = dev(4L * rows * dim);
        new EmbeddingKernels(gpu).embed(up(table.data()), vocab, dim, up(tokens), rows, up(scale), EPS, x, normed);
        float[] wantX = new float[rows * dim];
        float[] wantN = new float[rows * dim];
        Embedding cpu = new Embedding(table);
        for (int r = 0; r < rows; r++) {
            cpu.lookup(tokens[r], wantX, r * dim);
            RmsNorm.apply(wantX, r * dim, scale, EPS, wantN, r * dim);
        }
        double err = Math.max(error(downFloats(x, rows * dim), wantX, rows * dim),
                error(downFloats(normed, rows * dim), wantN, rows * dim));
        return new Check("embedding + rmsnorm", err, FP32, "");
    }

    /** rmsnorm vs RmsNorm.apply. */
    public Check rmsnorm() {
        int dim = 200;
        int rows = 3;
        int stride = 208;
        float[] x = randoms(rows * stride, -3, 3);
        float[] scale = randoms(dim, 0.5, 1.5);
        DeviceBuffer y = dev(4L * rows * dim);
        new RmsNormKernels(gpu).rmsnorm(up(x), stride, up(scale), EPS, dim, y, dim, rows);
        float[] want = new float[rows * dim];
        for (int r = 0; r < rows; r++) {
            RmsNorm.apply(x, r * stride, scale, EPS, want, r * dim);
        }
        return new Check("rmsnorm", error(downFloats(y, rows * dim), want, rows * dim), FP32, "");
    }

    /** bf16_matmul vs Bf16Matmul (optionally accumulating into y); 16 tokens and more on the tensor-core kernel. */
    public Check bf16Matmul(int n, int k, int tokens, boolean accumulate) {
        return bf16Matmul(n, k, tokens, accumulate, true);
    }

    /** As above, choosing whether the tensor-core kernel may run. */
    public Check bf16Matmul(int n, int k, int tokens, boolean accumulate, boolean tensorCores) {
        Bf16Matrix w = bf16(n, k, 1.0 / Math.sqrt(k));
        float[] x = randoms(tokens * k, -1, 1);
        float[] bias = randoms(n, -0.1, 0.1);
        float[] y0 = randoms(tokens * n, -1, 1);
        DeviceBuffer y = up(y0);
        new Bf16MatmulKernels(gpu, tensorCores).matmul(up(w.data()), n, k, up(bias), up(x), k, y, n, tokens, accumulate);
        float[] want = new float[tokens * n];
        new Bf16Matmul(pool).matmul(w, bias, x, 0, k, want, 0, n, tokens);
        if (accumulate) {
            for (int i = 0; i < want.length; i++) {
                want[i] = y0[i] + want[i];
            }
        }
        boolean tc = tensorCores && tokens >= Bf16MatmulKernels.TENSOR_CORE_TOKENS;
        return new Check("bf16 matmul " + n + "x" + k + ", " + tokens + " token" + (tokens == 1 ? "" : "s")
                + (accumulate ? ", accumulate" : "") + (tc ? ", tensor cores" : ""), error(downFloats(y, tokens * n), want,
                tokens * n), FP32, "");
    }

    /** rope_kv vs Rope.table/rotate, and the cache layout of KvLayout.element. */
    public Check ropeKv(boolean kvBf16) {
        int heads = 8;
        int kvHeads = 2;
        int d = 64;
        int layers = 3;
        int layer = 1;
        GptOssConfig c = shape(heads, kvHeads, d);
        int qkvDim = c.qkvRows();
        int[] positions = {0, 37, 200, 4095};
        int rows = positions.length;
        int pagesPerSeq = 4096 / KvLayout.PAGE;
        int poolPages = 2 * pagesPerSeq;
        int[] rowSeq = {0, 1, 0, 1};
        int[] table = new int[2 * pagesPerSeq];
        for (int i = 0; i < table.length; i++) {
            table[i] = (i * 7 + 3) % poolPages; // a permutation: pages out of order
        }
        float[] qkv = randoms(rows * qkvDim, -2, 2);
        int half = d / 2;
        Rope rope = new Rope(c);
        float[] cos = new float[4096 * half];
        float[] sin = new float[4096 * half];
        for (int p = 0; p < 4096; p++) {
            rope.table(p, cos, sin, p * half);
        }
        long elems = (long) poolPages * layers * 2 * kvHeads * KvLayout.PAGE * d;
        DeviceBuffer kv = dev(elems * (kvBf16 ? 2 : 4));
        DeviceBuffer q = up(qkv);
        new RopeKernels(gpu).ropeKv(q, qkvDim, up(cos), up(sin), up(positions), up(rowSeq), up(table), pagesPerSeq, kv,
                kvBf16, layer, layers, heads, kvHeads, d, rows);
        gpu.synchronize();
        float[] gotQ = downFloats(q, rows * qkvDim);
        MemorySegment pool = arena.allocate(kv.bytes());
        gpu.download(pool, kv, 0);
        float[] want = qkv.clone();
        float[] wantQ = new float[rows * heads * d];
        float[] gotQs = new float[rows * heads * d];
        float[] wantKv = new float[rows * 2 * kvHeads * d];
        float[] gotKv = new float[rows * 2 * kvHeads * d];
        for (int r = 0; r < rows; r++) {
            int off = r * qkvDim;
            for (int h = 0; h < heads + kvHeads; h++) {
                rope.rotate(want, off + h * d, cos, sin, positions[r] * half);
            }
            System.arraycopy(want, off, wantQ, r * heads * d, heads * d);
            System.arraycopy(gotQ, off, gotQs, r * heads * d, heads * d);
            int page = table[rowSeq[r] * pagesPerSeq + positions[r] / KvLayout.PAGE];
            int slot = positions[r] % KvLayout.PAGE;
            for (int kind = 0; kind < 2; kind++) {
                for (int g = 0; g < kvHeads; g++) {
                    for (int j = 0; j < d; j++) {
                        float ref = want[off + (heads + kind * kvHeads + g) * d + j];
                        long e = KvLayout.element(page, layer, layers, kind, g, kvHeads, slot, j, d);
                        float got = kvBf16 ? Bf16.toFloat(pool.get(Bf16.LE, 2 * e)) : pool.get(ValueLayout.JAVA_FLOAT, 4 * e);
                        int i = ((r * 2 + kind) * kvHeads + g) * d + j;
                        wantKv[i] = kvBf16 ? bf16Round(ref) : ref;
                        gotKv[i] = got;
                    }
                }
            }
        }
        double err = Math.max(error(gotQs, wantQ, wantQ.length), error(gotKv, wantKv, wantKv.length));
        return new Check("rope + KV write (" + (kvBf16 ? "BF16" : "float32") + " cache)", err, kvBf16 ? 1e-5 : FP32, "");
    }

    /**
     * attention vs AttentionKernel.attend for rows at positions around the page and split boundaries, one sequence
     * whose cache pages are out of order; {@code window} 0 = full attention.
     */
    public Check attention(boolean kvBf16, int window, int tilesPerSplit, int d, int heads, int kvHeads) {
        int g = heads / kvHeads;
        int layers = 2;
        int layer = 1;
        int[] positions = {0, 5, 31, 32, 100, 257, 700};
        int rows = positions.length;
        int maxContext = 800;
        int pagesPerSeq = (maxContext + KvLayout.PAGE - 1) / KvLayout.PAGE;
        int kvDim = kvHeads * d;
        float[] keys = randoms(maxContext * kvDim, -1, 1);
        float[] values = randoms(maxContext * kvDim, -1, 1);
        if (kvBf16) {
            for (int i = 0; i < keys.length; i++) {
                keys[i] = bf16Round(keys[i]);
                values[i] = bf16Round(values[i]);
            }
        }
        int[] table = new int[pagesPerSeq];
        for (int i = 0; i < pagesPerSeq; i++) {
            table[i] = pagesPerSeq - 1 - i;
        }
        long elems = (long) pagesPerSeq * layers * 2 * kvDim * KvLayout.PAGE;
        MemorySegment pool = arena.allocate(elems * (kvBf16 ? 2 : 4), 16);
        for (int pos = 0; pos < maxContext; pos++) {
            for (int kind = 0; kind < 2; kind++) {
                float[] src = kind == 0 ? keys : values;
                for (int h = 0; h < kvHeads; h++) {
                    for (int j = 0; j < d; j++) {
                        long e = KvLayout.element(table[pos / KvLayout.PAGE], layer, layers, kind, h, kvHeads,
                                pos % KvLayout.PAGE, j, d);
                        float v = src[pos * kvDim + h * d + j];
                        if (kvBf16) {
                            pool.set(Bf16.LE, 2 * e, Bf16.fromFloat(v));
                        } else {
                            pool.set(ValueLayout.JAVA_FLOAT, 4 * e, v);
                        }
                    }
                }
            }
        }
        int qkvDim = (heads + 2 * kvHeads) * d;
        float[] qkv = randoms(rows * qkvDim, -1.5, 1.5);
        float[] sinks = randoms(heads, -1, 1);
        float scale = (float) (1.0 / Math.sqrt(d));
        AttentionKernels kernels = new AttentionKernels(gpu, heads, kvHeads, d, kvBf16);
        AttentionKernels.Split split = new AttentionKernels.Split(tilesPerSplit,
                ((maxContext - 1) / KvLayout.PAGE + tilesPerSplit) / tilesPerSplit);
        DeviceBuffer partials = dev(kernels.partialsBytes(rows, split));
        DeviceBuffer counters = dev(kernels.countersBytes(rows));
        gpu.fill(counters, 0, counters.bytes(), (byte) 0);
        DeviceBuffer out = dev(4L * rows * heads * d);
        int[] rowSeq = new int[rows];
        for (int repeat = 0; repeat < 2; repeat++) { // twice: the split counters must be back at zero
            kernels.attend(up(qkv), qkvDim, up(positions), up(rowSeq), up(table), pagesPerSeq, up(pool), layer, layers,
                    up(sinks), scale, window, split, partials, counters, out, heads * d, rows);
        }
        float[] want = new float[rows * heads * d];
        float[] scores = new float[maxContext];
        for (int r = 0; r < rows; r++) {
            int pos = positions[r];
            int first = window > 0 ? Math.max(0, pos - window + 1) : 0;
            for (int h = 0; h < heads; h++) {
                AttentionKernel.attend(qkv, r * qkvDim + h * d, keys, values, (h / g) * d, kvDim, 0, first, pos, sinks[h],
                        scale, scores, want, r * heads * d + h * d, d);
            }
        }
        int[] zero = downInts(counters, rows * kvHeads);
        boolean countersReset = Arrays.stream(zero).allMatch(v -> v == 0);
        double err = error(downFloats(out, rows * heads * d), want, want.length);
        return new Check(String.format(Locale.ROOT, "attention d%d %d/%d heads, %s, %s cache, %d tiles/split", d, heads,
                kvHeads, window > 0 ? "window " + window : "full", kvBf16 ? "BF16" : "float32", tilesPerSplit),
                countersReset ? err : Double.POSITIVE_INFINITY, 1e-4, countersReset ? "" : "(split counters not reset)");
    }

    /** moe_router vs RmsNorm + Bf16Matmul + Router.select, and the grouping by expert. */
    public Check router(int rows, int dim, int experts, int topK) {
        float[] x = randoms(rows * dim, -2, 2);
        float[] scale = randoms(dim, 0.8, 1.2);
        Bf16Matrix gate = bf16(experts, dim, 1.0 / Math.sqrt(dim));
        float[] bias = randoms(experts, -0.1, 0.1);
        DeviceBuffer normed = dev(4L * rows * dim);
        RouterKernels.Routing routing = RouterKernels.Routing.in(gpu, dev(RouterKernels.Routing.bytes(rows, experts, topK)),
                rows, experts, topK);
        RouterKernels kernels = new RouterKernels(gpu);
        for (int repeat = 0; repeat < 2; repeat++) { // twice: the completion counter must be back at zero
            kernels.route(up(x), rows, dim, up(scale), EPS, up(gate.data()), up(bias), experts, topK, normed, routing);
        }
        float[] wantN = new float[rows * dim];
        float[] logits = new float[rows * experts];
        int[] wantChosen = new int[rows * topK];
        float[] wantW = new float[rows * topK];
        for (int r = 0; r < rows; r++) {
            RmsNorm.apply(x, r * dim, scale, EPS, wantN, r * dim);
        }
        new Bf16Matmul(pool).matmul(gate, bias, wantN, 0, dim, logits, 0, experts, rows);
        for (int r = 0; r < rows; r++) {
            Router.select(logits, r * experts, experts, topK, wantChosen, wantW, r * topK);
        }
        int[] chosen = downInts(routing.chosen(), rows * topK);
        double err = Math.max(error(downFloats(normed, rows * dim), wantN, rows * dim),
                error(downFloats(routing.weights(), rows * topK), wantW, rows * topK));
        String detail = "";
        if (!Arrays.equals(chosen, wantChosen)) {
            err = Double.POSITIVE_INFINITY;
            detail = "(chosen " + Arrays.toString(chosen) + ", CPU " + Arrays.toString(wantChosen) + ")";
        }
        // grouping
        int[] offsets = downInts(routing.offsets(), experts + 1);
        int[] assign = downInts(routing.assign(), rows * topK);
        int nActive = downInts(routing.activeCount(), 1)[0];
        int[] active = downInts(routing.active(), experts);
        int at = 0;
        int na = 0;
        boolean grouped = true;
        for (int e = 0; e < experts; e++) {
            grouped &= offsets[e] == at;
            boolean any = false;
            for (int a = 0; a < rows * topK; a++) {
                if (wantChosen[a] == e) {
                    grouped &= assign[at] == a;
                    at++;
                    any = true;
                }
            }
            if (any) {
                grouped &= active[na] == e;
                na++;
            }
        }
        grouped &= offsets[experts] == at && nActive == na;
        if (!grouped) {
            err = Double.POSITIVE_INFINITY;
            detail += "(expert grouping wrong: offsets " + Arrays.toString(offsets) + ", assign " + Arrays.toString(assign)
                    + ", active " + nActive + ")";
        }
        return new Check("router " + rows + " rows, " + experts + " experts, top " + topK, err, FP32, detail);
    }

    /** A routing of rows to experts built on the host: chosen, weights, and the grouping the expert kernels read. */
    private RouterKernels.Routing hostRouting(int rows, int experts, int topK, int[] chosen, float[] weights) {
        RouterKernels.Routing r = RouterKernels.Routing.in(gpu, dev(RouterKernels.Routing.bytes(rows, experts, topK)), rows,
                experts, topK);
        int[] offsets = new int[experts + 1];
        int[] assign = new int[rows * topK];
        int[] active = new int[experts];
        int at = 0;
        int na = 0;
        for (int e = 0; e < experts; e++) {
            offsets[e] = at;
            for (int a = 0; a < rows * topK; a++) {
                if (chosen[a] == e) {
                    assign[at++] = a;
                }
            }
            if (at > offsets[e]) {
                active[na++] = e;
            }
        }
        offsets[experts] = at;
        gpu.upload(r.chosen(), 0, MemorySegment.ofArray(chosen));
        gpu.upload(r.weights(), 0, MemorySegment.ofArray(weights));
        gpu.upload(r.offsets(), 0, MemorySegment.ofArray(offsets));
        gpu.upload(r.assign(), 0, MemorySegment.ofArray(assign));
        gpu.upload(r.active(), 0, MemorySegment.ofArray(active));
        gpu.upload(r.activeCount(), 0, MemorySegment.ofArray(new int[] {na}));
        return r;
    }

    private int[] randomChoice(int rows, int experts, int topK) {
        int[] chosen = new int[rows * topK];
        for (int r = 0; r < rows; r++) {
            for (int s = 0; s < topK; s++) {
                int e;
                boolean dup;
                do {
                    e = rnd.nextInt(experts);
                    dup = false;
                    for (int p = 0; p < s; p++) {
                        dup |= chosen[r * topK + p] == e;
                    }
                } while (dup);
                chosen[r * topK + s] = e;
            }
        }
        return chosen;
    }

    /** moe_mlp1_swiglu + moe_mlp2 vs Mxfp4Matmul + SwiGlu per expert (tensor cores from 4 tokens per expert). */
    public Check moe(int rows, int dim, int inter, int experts, int topK) {
        return moe(rows, dim, inter, experts, topK, false);
    }

    /** As above; {@code forceTensorCores} runs the tensor-core kernels whatever the tokens per expert. */
    public Check moe(int rows, int dim, int inter, int experts, int topK, boolean forceTensorCores) {
        int i2 = 2 * inter;
        MemorySegment b1 = arena.allocate((long) experts * i2 * dim / 2, 16);
        MemorySegment s1 = arena.allocate((long) experts * i2 * dim / 32, 16);
        MemorySegment b2 = arena.allocate((long) experts * dim * inter / 2, 16);
        MemorySegment s2 = arena.allocate((long) experts * dim * inter / 32, 16);
        for (MemorySegment b : new MemorySegment[] {b1, b2}) {
            for (long i = 0; i < b.byteSize(); i++) {
                b.set(ValueLayout.JAVA_BYTE, i, (byte) rnd.nextInt(256));
            }
        }
        for (MemorySegment s : new MemorySegment[] {s1, s2}) {
            for (long i = 0; i < s.byteSize(); i++) {
                s.set(ValueLayout.JAVA_BYTE, i, (byte) (120 + rnd.nextInt(4)));
            }
        }
        float[] bias1 = randoms(experts * i2, -0.1, 0.1);
        float[] bias2 = randoms(experts * dim, -0.1, 0.1);
        float[] normed = randoms(rows * dim, -1, 1);
        int[] chosen = randomChoice(rows, experts, topK);
        float[] weights = randoms(rows * topK, 0, 1);
        float limit = 7.0f;
        RouterKernels.Routing routing = hostRouting(rows, experts, topK, chosen, weights);
        MoeKernels.Experts w1 = new MoeKernels.Experts(up(b1), up(s1), up(bias1), experts, i2, dim);
        MoeKernels.Experts w2 = new MoeKernels.Experts(up(b2), up(s2), up(bias2), experts, dim, inter);
        DeviceBuffer act = dev(4L * rows * topK * inter);
        DeviceBuffer out = dev(4L * rows * topK * dim);
        MoeKernels kernels = new MoeKernels(gpu, true, forceTensorCores ? 0 : MoeKernels.TENSOR_CORE_TOKENS);
        double perExpert = (double) rows * topK / experts;
        boolean tc = forceTensorCores || perExpert >= MoeKernels.TENSOR_CORE_TOKENS;
        int maxActive = Math.min(experts, rows * topK);
        kernels.mlp1(w1, up(normed), dim, topK, act, routing, maxActive, perExpert, limit);
        kernels.mlp2(w2, act, inter, out, routing, maxActive, perExpert);
        Mxfp4Matmul m1 = new Mxfp4Matmul(pool, new ExpertWeights.Mxfp4Experts(experts, i2, dim, b1, s1));
        Mxfp4Matmul m2 = new Mxfp4Matmul(pool, new ExpertWeights.Mxfp4Experts(experts, dim, inter, b2, s2));
        float[] wantAct = new float[rows * topK * inter];
        float[] wantOut = new float[rows * topK * dim];
        float[] in1 = new float[dim];
        float[] h = new float[i2];
        float[] in2 = new float[inter];
        float[] y = new float[dim];
        float[] gotAct = downFloats(act, rows * topK * inter);
        for (int a = 0; a < rows * topK; a++) {
            int e = chosen[a];
            m1.prepareInput(normed, (a / topK) * dim, in1, 0);
            m1.matmul(e, bias1, e * i2, in1, dim, h, i2, 1);
            SwiGlu.apply(h, 0, inter, limit, wantAct, a * inter);
            // mlp2 on the GPU's own activations: each stage is compared on its own
            m2.prepareInput(gotAct, a * inter, in2, 0);
            m2.matmul(e, bias2, e * dim, in2, inter, y, dim, 1);
            System.arraycopy(y, 0, wantOut, a * dim, dim);
        }
        double err = Math.max(error(gotAct, wantAct, wantAct.length),
                error(downFloats(out, rows * topK * dim), wantOut, wantOut.length));
        return new Check("MXFP4 experts " + experts + "x(" + i2 + "x" + dim + ", " + dim + "x" + inter + "), " + rows
                + " rows, top " + topK + (tc ? ", tensor cores" : ""), err, 1e-4, "");
    }

    /** moe_combine vs the CPU MoE block's weighted sum + RmsNorm. */
    public Check combine() {
        int rows = 4;
        int dim = 96;
        int topK = 4;
        int experts = 8;
        float[] x = randoms(rows * dim, -1, 1);
        float[] y = randoms(rows * topK * dim, -1, 1);
        int[] chosen = randomChoice(rows, experts, topK);
        float[] weights = randoms(rows * topK, 0, 1);
        float[] scale = randoms(dim, 0.8, 1.2);
        RouterKernels.Routing routing = hostRouting(rows, experts, topK, chosen, weights);
        DeviceBuffer dx = up(x);
        DeviceBuffer normed = dev(4L * rows * dim);
        new CombineKernels(gpu).combine(dx, up(y), routing, topK, dim, up(scale), EPS, normed, rows);
        float[] wantX = x.clone();
        float[] wantN = new float[rows * dim];
        for (int r = 0; r < rows; r++) {
            float[] moe = new float[dim];
            for (int e = 0; e < experts; e++) { // the CPU MoeBlock adds experts in index order
                for (int s = 0; s < topK; s++) {
                    if (chosen[r * topK + s] == e) {
                        for (int c = 0; c < dim; c++) {
                            moe[c] += weights[r * topK + s] * y[(r * topK + s) * dim + c];
                        }
                    }
                }
            }
            for (int c = 0; c < dim; c++) {
                wantX[r * dim + c] += moe[c];
            }
            RmsNorm.apply(wantX, r * dim, scale, EPS, wantN, r * dim);
        }
        double err = Math.max(error(downFloats(dx, rows * dim), wantX, wantX.length),
                error(downFloats(normed, rows * dim), wantN, wantN.length));
        return new Check("expert sum + residual + rmsnorm", err, FP32, "");
    }

    /**
     * sample_tokens: greedy = the CPU argmax (ties to the lower id); top-k 1 = argmax; sampled ids inside the set
     * the CPU sampler keeps for top-k / top-p; a draw of 0 picks the first kept id.
     */
    public List<Check> sampling() {
        int vocab = 5003;
        int rows = 6;
        float[] logits = randoms(rows * vocab, -4, 4);
        // row 0: a tie for the maximum at ids 10 and 4000
        logits[10] = 9f;
        logits[4000] = 9f;
        // row 3: a peaked distribution where top-p 0.9 keeps a known handful
        for (int i = 0; i < vocab; i++) {
            logits[3 * vocab + i] = -20f;
        }
        float[] peak = {10f, 9.5f, 9f, 8.5f, 8f, 7.5f};
        int[] peakIds = {77, 3, 4999, 1200, 600, 2};
        for (int i = 0; i < peak.length; i++) {
            logits[3 * vocab + peakIds[i]] = peak[i];
        }
        float[][] params = {
            {0f, 1f, 0.5f, 0},        // greedy
            {1f, 1f, 0.25f, 1},       // top-k 1
            {0.8f, 1f, 0.6f, 50},     // top-k 50
            {1f, 0.9f, 0.7f, 0},      // top-p 0.9
            {1.3f, 0.5f, 0.99f, 20},  // top-k 20 + top-p 0.5
            {1f, 1f, 0f, 0},          // full distribution, draw 0
        };
        MemorySegment p = arena.allocate(4L * rows * SamplingKernels.PARAMS);
        for (int r = 0; r < rows; r++) {
            SamplingKernels.setParams(p, 0, r, params[r][0], params[r][1], params[r][2], (int) params[r][3]);
        }
        DeviceBuffer out = dev(4L * rows);
        new SamplingKernels(gpu).sample(up(logits), vocab, vocab, up(p), out, rows);
        int[] got = downInts(out, rows);
        List<Check> checks = new ArrayList<>();
        for (int r = 0; r < rows; r++) {
            float[] row = Arrays.copyOfRange(logits, r * vocab, (r + 1) * vocab);
            boolean ok;
            String what;
            if (params[r][0] == 0f || params[r][3] == 1) {
                int want = dev.agentrt.generate.Sampler.argmax(row, vocab);
                ok = got[r] == want;
                what = (params[r][0] == 0f ? "greedy" : "top-k 1") + ": " + got[r] + " (CPU argmax " + want + ")";
            } else {
                boolean[] kept = keptByCpuRules(row, params[r][0], (int) params[r][3], params[r][1]);
                ok = got[r] >= 0 && got[r] < vocab && kept[got[r]];
                if (params[r][2] == 0f) {
                    int firstKept = 0;
                    while (!kept[firstKept]) {
                        firstKept++;
                    }
                    ok &= got[r] == firstKept;
                }
                what = String.format(Locale.ROOT, "T %.1f top-k %d top-p %.2f draw %.2f: %d", params[r][0], (int) params[r][3],
                        params[r][1], params[r][2], got[r]);
            }
            checks.add(new Check("sampling row " + r, ok ? 0 : Double.POSITIVE_INFINITY, 0, "(" + what + ")"));
        }
        return checks;
    }

    /** The ids the CPU Sampler may pick: sorted by logit, the top k, then the top-p prefix of their mass. */
    private static boolean[] keptByCpuRules(float[] logits, float temperature, int topK, float topP) {
        int n = logits.length;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> logits[a] != logits[b] ? Float.compare(logits[b], logits[a]) : Integer.compare(a, b));
        int keep = topK > 0 ? Math.min(topK, n) : n;
        double[] probs = new double[keep];
        double sum = 0;
        for (int i = 0; i < keep; i++) {
            probs[i] = Math.exp((logits[order[i]] - logits[order[0]]) / temperature);
            sum += probs[i];
        }
        if (topP < 1f) {
            double cum = 0;
            for (int i = 0; i < keep; i++) {
                cum += probs[i] / sum;
                if (cum >= topP) {
                    keep = i + 1;
                    break;
                }
            }
        }
        boolean[] kept = new boolean[n];
        for (int i = 0; i < keep; i++) {
            kept[order[i]] = true;
        }
        // ties at the cut are kept by the device (thresholds on values): allow them
        float cut = logits[order[keep - 1]];
        for (int i = 0; i < n; i++) {
            if (logits[i] == cut) {
                kept[i] = true;
            }
        }
        return kept;
    }

    @Override
    public void close() {
        gpu.synchronize();
        for (DeviceBuffer b : buffers) {
            gpu.free(b);
        }
        buffers.clear();
        pool.close();
        arena.close();
    }
}
