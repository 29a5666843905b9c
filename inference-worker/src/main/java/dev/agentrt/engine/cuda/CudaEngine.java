package dev.agentrt.engine.cuda;

import dev.agentrt.engine.SamplingEngine;
import dev.agentrt.engine.cpu.Rope;
import dev.agentrt.generate.Sampler;
import dev.agentrt.generate.SamplingParams;
import dev.agentrt.kv.KvCache;
import dev.agentrt.model.Bf16Matrix;
import dev.agentrt.model.ExpertWeights;
import dev.agentrt.model.GptOssConfig;
import dev.agentrt.model.LayerWeights;
import dev.agentrt.model.ModelWeights;
import dev.agentrt.model.Mxfp4;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * gpt-oss on an NVIDIA GPU (spec §6–§8), the same math as the fp32 CPU engine. Weights are uploaded once from the
 * mapped checkpoint (experts stay MXFP4 and are dequantized inside the expert kernels); activations are float32;
 * the KV cache is paged ({@link CudaKvCache}, float32 or BF16). Every buffer is allocated when the engine opens,
 * after checking that the GPU has the memory. A decode step of {@code b} sequences is one CUDA graph, captured on
 * first use per batch size: it uploads the step's tokens, positions and page tables, runs the 8 kernels per layer
 * and the unembedding, and copies back either the sampled ids ({@link #decodeAndSample}) or the logits
 * ({@link #decode}). Prefill runs in chunks of {@code prefillChunk} positions with the same kernels.
 *
 * <p>Per layer: QKV projection, RoPE + KV write, attention, output projection (+ residual), RMSNorm + router +
 * top-k + expert grouping, mlp1 + SwiGLU, mlp2, weighted expert sum (+ residual) fused with the next RMSNorm.
 *
 * <p>Not thread-safe: one thread drives the engine (it binds the GPU context to the calling thread as needed).
 */
public final class CudaEngine implements SamplingEngine {
    /** GPU memory kept free for the CUDA graphs, the driver's own allocations and fragmentation. */
    static final long RESERVE_BYTES = 512L << 20;

    /** Reports the upload of the weights: bytes done of total. */
    @FunctionalInterface
    public interface Progress {
        void uploaded(long done, long total);
    }

    /**
     * @param maxBatch     sequences per decode step (larger calls are split)
     * @param maxContext   positions per sequence (sizes the page tables and RoPE tables)
     * @param prefillChunk positions per prefill pass
     * @param kvTokens     positions the KV cache pool holds in all (0 = as many as fit, up to maxBatch × maxContext)
     * @param kvBf16       BF16 KV cache (half the memory and bandwidth) instead of float32 (exact CPU parity)
     * @param graphs       capture decode steps as CUDA graphs (off: launch kernel by kernel, for debugging)
     * @param tensorCores  TF32 tensor cores for the projections of 16 rows and more (prefill, large batches)
     * @param progress     weight upload progress, or null
     */
    public record Options(int maxBatch, int maxContext, int prefillChunk, long kvTokens, boolean kvBf16, boolean graphs,
                          boolean tensorCores, Progress progress) {
        public Options {
            if (maxBatch < 1 || maxContext < 2 || prefillChunk < 1 || kvTokens < 0) {
                throw new IllegalArgumentException("invalid CUDA engine options: batch " + maxBatch + ", context " + maxContext
                        + ", prefill chunk " + prefillChunk + ", KV tokens " + kvTokens);
            }
        }

        public static Options defaults() {
            return new Options(8, 8192, 256, 0, true, true, true, null);
        }

        public Options withMaxBatch(int v) {
            return new Options(v, maxContext, prefillChunk, kvTokens, kvBf16, graphs, tensorCores, progress);
        }

        public Options withMaxContext(int v) {
            return new Options(maxBatch, v, prefillChunk, kvTokens, kvBf16, graphs, tensorCores, progress);
        }

        public Options withPrefillChunk(int v) {
            return new Options(maxBatch, maxContext, v, kvTokens, kvBf16, graphs, tensorCores, progress);
        }

        public Options withKvTokens(long v) {
            return new Options(maxBatch, maxContext, prefillChunk, v, kvBf16, graphs, tensorCores, progress);
        }

        public Options withKvBf16(boolean v) {
            return new Options(maxBatch, maxContext, prefillChunk, kvTokens, v, graphs, tensorCores, progress);
        }

        public Options withGraphs(boolean v) {
            return new Options(maxBatch, maxContext, prefillChunk, kvTokens, kvBf16, v, tensorCores, progress);
        }

        public Options withTensorCores(boolean v) {
            return new Options(maxBatch, maxContext, prefillChunk, kvTokens, kvBf16, graphs, v, progress);
        }

        public Options withProgress(Progress v) {
            return new Options(maxBatch, maxContext, prefillChunk, kvTokens, kvBf16, graphs, tensorCores, v);
        }
    }

    /** The GPU memory the engine needs, by part (bytes), computed from the config before allocating anything. */
    public record MemoryPlan(long weights, long buffers, long kvBytesPerPosition, long kvPositions, long reserve) {
        public long total() {
            return weights + buffers + kvBytesPerPosition * kvPositions + reserve;
        }

        String describe() {
            return String.format(Locale.ROOT, "weights %s, buffers %s, KV cache %s for %,d positions, reserve %s",
                    size(weights), size(buffers), size(kvBytesPerPosition * kvPositions), kvPositions, size(reserve));
        }
    }

    private enum Mode { LOGITS, SAMPLE }

    private record Layer(DeviceBuffer attnNorm, DeviceBuffer qkvW, DeviceBuffer qkvB, DeviceBuffer sinks, DeviceBuffer outW,
                         DeviceBuffer outB, DeviceBuffer mlpNorm, DeviceBuffer gateW, DeviceBuffer gateB,
                         MoeKernels.Experts mlp1, MoeKernels.Experts mlp2, int window) {
    }

    /** Sizes derived from the config and options: what {@link #plan} counts and the constructor allocates. */
    private record Shape(GptOssConfig c, Options o, int rows, int qkv, int qDim, int pagesPerSeq,
                         AttentionKernels.Split decodeSplit, AttentionKernels.Split prefillSplit, long[] stepOffsets,
                         long stepBytes) {
        static Shape of(GptOssConfig c, Options o) {
            int rows = Math.max(o.maxBatch(), o.prefillChunk());
            int pagesPerSeq = (o.maxContext() + CudaKvCache.PAGE - 1) / CudaKvCache.PAGE;
            // Decode: at least 8 tiles (256 keys) per block, at most 64 blocks per row; prefill rows are many: 4 blocks.
            AttentionKernels.Split decode = AttentionKernels.Split.of(o.maxContext(), 8, 64);
            AttentionKernels.Split prefill = AttentionKernels.Split.of(o.maxContext(), 8, 4);
            long[] sizes = {4L * rows, 4L * rows, 4L * rows, 4L * o.maxBatch() * pagesPerSeq,
                4L * o.maxBatch() * SamplingKernels.PARAMS, 4L * o.maxBatch()};
            long[] offsets = new long[sizes.length];
            long at = 0;
            for (int i = 0; i < sizes.length; i++) {
                offsets[i] = at;
                at += align(sizes[i]);
            }
            return new Shape(c, o, rows, c.qkvRows(), c.numAttentionHeads() * c.headDim(), pagesPerSeq, decode, prefill,
                    offsets, at);
        }

        int logitRows() {
            return o.maxBatch();
        }

        long kvBytesPerPosition() {
            return 2L * c.numHiddenLayers() * c.numKeyValueHeads() * c.headDim() * (o.kvBf16() ? 2 : 4);
        }

        long activationBytes() {
            long d = c.hiddenSize();
            long k = c.expertsPerToken();
            long g = c.numAttentionHeads() / c.numKeyValueHeads();
            long partials = Math.max((long) o.maxBatch() * decodeSplit.maxSplits(),
                    (long) o.prefillChunk() * prefillSplit.maxSplits()) * c.numKeyValueHeads() * g * (c.headDim() + 2) * 4;
            long half = c.headDim() / 2;
            return align(4L * rows * d) * 2 + align(4L * rows * qkv) + align(4L * rows * qDim)
                    + align(4L * rows * k * c.intermediateSize()) + align(4L * rows * k * d)
                    + align(RouterKernels.Routing.bytes(rows, c.numExperts(), c.expertsPerToken()))
                    + align(partials) + align(4L * rows * c.numKeyValueHeads())
                    + align(4L * logitRows() * c.vocabSize()) + align(stepBytes) + 2 * align(4L * o.maxContext() * half);
        }

        static long weightBytes(GptOssConfig c) {
            long d = c.hiddenSize();
            long v = c.vocabSize();
            long e = c.numExperts();
            long i2 = 2L * c.intermediateSize();
            long qDim = (long) c.numAttentionHeads() * c.headDim();
            long perLayer = align(4 * d) * 2 + align(2L * c.qkvRows() * d) + align(4L * c.qkvRows())
                    + align(4L * c.numAttentionHeads()) + align(2 * d * qDim) + align(4 * d) + align(2 * e * d) + align(4 * e)
                    + mxfp4Bytes(e, i2, d) + align(4 * e * i2) + mxfp4Bytes(e, d, c.intermediateSize()) + align(4 * e * d);
            return 2 * align(2 * v * d) + align(4 * d) + perLayer * c.numHiddenLayers();
        }

        static long mxfp4Bytes(long experts, long rows, long cols) {
            long groups = experts * rows * (cols / Mxfp4.GROUP);
            return align(groups * Mxfp4.GROUP_BYTES) + align(groups);
        }
    }

    private final GptOssConfig config;
    private final Options options;
    private final Shape shape;
    private final Gpu gpu;
    private final boolean ownsGpu;
    private final List<DeviceBuffer> allocations = new ArrayList<>();
    private final List<PinnedBuffer> pinned = new ArrayList<>();
    private final Map<Long, Gpu.Graph> graphs = new HashMap<>();
    private final MemoryPlan plan;

    private final EmbeddingKernels embedding;
    private final Bf16MatmulKernels matmul;
    private final RopeKernels rope;
    private final AttentionKernels attention;
    private final RouterKernels router;
    private final MoeKernels moe;
    private final CombineKernels combine;
    private final SamplingKernels sampling;

    private final DeviceBuffer embeddingTable;
    private final Layer[] layers;
    private final DeviceBuffer finalNorm;
    private final DeviceBuffer unembeddingW;
    private final DeviceBuffer cos;
    private final DeviceBuffer sin;
    private final DeviceBuffer x;
    private final DeviceBuffer normed;
    private final DeviceBuffer qkv;
    private final DeviceBuffer attnOut;
    private final DeviceBuffer act;
    private final DeviceBuffer expertOut;
    private final RouterKernels.Routing routing;
    private final DeviceBuffer partials;
    private final DeviceBuffer counters;
    private final DeviceBuffer logits;
    private final DeviceBuffer stepIn;
    private final PinnedBuffer stepHost;
    private final PinnedBuffer logitsHost;
    private final DeviceBuffer kvPool;
    private final KvPagePool pages;
    private final float smScale;
    private boolean closed;

    /** Opens GPU 0 and loads {@code weights}; a {@link CudaUnavailableException} says why it cannot. */
    public static CudaEngine open(ModelWeights weights, Options options) {
        CudaGpu gpu = CudaGpu.open(0);
        try {
            return new CudaEngine(gpu, true, weights, options);
        } catch (RuntimeException | Error e) {
            gpu.close();
            throw e;
        }
    }

    /** An engine on a given GPU (the caller keeps ownership of it). */
    public CudaEngine(Gpu gpu, ModelWeights weights, Options options) {
        this(gpu, false, weights, options);
    }

    private CudaEngine(Gpu gpu, boolean ownsGpu, ModelWeights weights, Options options) {
        this.config = weights.config();
        this.options = options;
        this.gpu = gpu;
        this.ownsGpu = ownsGpu;
        GptOssConfig c = config;
        int modelContext = maxModelContext(c);
        if (options.maxContext() > modelContext) {
            throw new IllegalArgumentException("max context " + options.maxContext() + " exceeds the model's " + modelContext);
        }
        for (LayerWeights lw : weights.layers()) {
            if (!(lw.mlp1() instanceof ExpertWeights.Mxfp4Experts) || !(lw.mlp2() instanceof ExpertWeights.Mxfp4Experts)) {
                throw new CudaUnavailableException("the CUDA engine needs MXFP4 expert weights; this checkpoint has BF16 "
                        + "experts (a dequantized export): use the CPU engine (--engine cpu)");
            }
        }
        if (c.hiddenSize() % 32 != 0 || c.intermediateSize() % 32 != 0 || c.expertsPerToken() > RouterKernels.MAX_TOP_K) {
            throw new CudaUnavailableException("the CUDA engine needs hidden and intermediate sizes that are multiples of 32 "
                    + "and at most " + RouterKernels.MAX_TOP_K + " experts per token");
        }
        this.shape = Shape.of(c, options);
        this.plan = plan(c, options, gpu.freeMemory());
        if (plan.total() > gpu.freeMemory()) {
            throw new CudaUnavailableException(String.format(Locale.ROOT,
                    "not enough GPU memory: the CUDA engine needs %.2f GiB for this model (%s) but %s has %.2f GiB free; "
                    + "lower --max-context or --max-batch, or use a larger GPU", gib(plan.total()), plan.describe(), gpu.name(),
                    gib(gpu.freeMemory())));
        }
        this.embedding = new EmbeddingKernels(gpu);
        this.matmul = new Bf16MatmulKernels(gpu, options.tensorCores());
        this.rope = new RopeKernels(gpu);
        this.attention = new AttentionKernels(gpu, c.numAttentionHeads(), c.numKeyValueHeads(), c.headDim(), options.kvBf16());
        this.router = new RouterKernels(gpu);
        this.moe = new MoeKernels(gpu, options.tensorCores(), MoeKernels.TENSOR_CORE_TOKENS);
        this.combine = new CombineKernels(gpu);
        this.sampling = new SamplingKernels(gpu);
        this.smScale = (float) (1.0 / Math.sqrt(c.headDim()));

        boolean ok = false;
        try {
            // Weights.
            long total = Shape.weightBytes(c);
            long[] done = {0};
            Progress progress = options.progress();
            java.util.function.Consumer<Long> advance = n -> {
                done[0] += n;
                if (progress != null) {
                    progress.uploaded(Math.min(done[0], total), total);
                }
            };
            this.embeddingTable = upload(weights.embedding(), advance);
            this.layers = new Layer[c.numHiddenLayers()];
            for (int l = 0; l < layers.length; l++) {
                layers[l] = uploadLayer(c, l, weights.layers().get(l), advance);
            }
            this.finalNorm = upload(weights.norm(), advance);
            this.unembeddingW = upload(weights.unembedding(), advance);
            if (progress != null) {
                progress.uploaded(total, total);
            }
            // RoPE tables: exactly the CPU engine's float32 values.
            int half = c.headDim() / 2;
            float[] cosT = new float[options.maxContext() * half];
            float[] sinT = new float[options.maxContext() * half];
            Rope r = new Rope(c);
            for (int p = 0; p < options.maxContext(); p++) {
                r.table(p, cosT, sinT, p * half);
            }
            this.cos = upload(cosT, null);
            this.sin = upload(sinT, null);
            // Activations and step buffers.
            int rows = shape.rows();
            long d = c.hiddenSize();
            int k = c.expertsPerToken();
            this.x = alloc(4L * rows * d);
            this.normed = alloc(4L * rows * d);
            this.qkv = alloc(4L * rows * shape.qkv());
            this.attnOut = alloc(4L * rows * shape.qDim());
            this.act = alloc(4L * rows * k * c.intermediateSize());
            this.expertOut = alloc(4L * rows * k * d);
            this.routing = RouterKernels.Routing.in(gpu, alloc(RouterKernels.Routing.bytes(rows, c.numExperts(), k)), rows,
                    c.numExperts(), k);
            this.partials = alloc(Math.max(attention.partialsBytes(options.maxBatch(), shape.decodeSplit()),
                    attention.partialsBytes(options.prefillChunk(), shape.prefillSplit())));
            this.counters = alloc(attention.countersBytes(rows));
            gpu.fill(counters, 0, counters.bytes(), (byte) 0);
            this.logits = alloc(4L * shape.logitRows() * c.vocabSize());
            this.stepIn = alloc(shape.stepBytes());
            gpu.fill(stepIn, 0, stepIn.bytes(), (byte) 0);
            this.stepHost = pinned(shape.stepBytes());
            this.logitsHost = pinned(4L * shape.logitRows() * c.vocabSize());
            // KV cache pool.
            long pagesWanted = (plan.kvPositions() + CudaKvCache.PAGE - 1) / CudaKvCache.PAGE;
            this.kvPool = alloc(pagesWanted * CudaKvCache.PAGE * shape.kvBytesPerPosition());
            this.pages = new KvPagePool(Math.toIntExact(pagesWanted));
            gpu.synchronize();
            ok = true;
        } finally {
            if (!ok) {
                freeAll();
            }
        }
    }

    /** The memory plan for {@code config} under {@code options} on a GPU with {@code freeBytes} free. */
    public static MemoryPlan plan(GptOssConfig config, Options options, long freeBytes) {
        Shape s = Shape.of(config, options);
        long weights = Shape.weightBytes(config);
        long buffers = s.activationBytes();
        long perPosition = s.kvBytesPerPosition();
        long minPositions = (long) options.maxContext();
        long positions;
        if (options.kvTokens() > 0) {
            positions = Math.max(options.kvTokens(), minPositions);
        } else {
            long wanted = (long) options.maxBatch() * options.maxContext();
            long room = (long) ((freeBytes - weights - buffers - RESERVE_BYTES) * 0.95) / perPosition;
            positions = Math.max(minPositions, Math.min(wanted, room));
        }
        positions = (positions + CudaKvCache.PAGE - 1) / CudaKvCache.PAGE * CudaKvCache.PAGE;
        return new MemoryPlan(weights, buffers, perPosition, positions, RESERVE_BYTES);
    }

    static int maxModelContext(GptOssConfig c) {
        return (int) Math.min(Integer.MAX_VALUE / 2, (long) c.initialContextLength() * (long) c.ropeScalingFactor());
    }

    private static long align(long bytes) {
        return (bytes + 255) / 256 * 256;
    }

    private static double gib(long bytes) {
        return bytes / (double) (1L << 30);
    }

    /** GiB with two decimals, or MiB below one GiB. */
    static String size(long bytes) {
        return bytes >= (1L << 30) ? String.format(Locale.ROOT, "%.2f GiB", gib(bytes))
                : String.format(Locale.ROOT, "%.1f MiB", bytes / (double) (1L << 20));
    }

    private DeviceBuffer alloc(long bytes) {
        DeviceBuffer b = gpu.alloc(align(Math.max(bytes, 1)));
        allocations.add(b);
        return b;
    }

    private PinnedBuffer pinned(long bytes) {
        PinnedBuffer b = gpu.allocPinned(bytes);
        pinned.add(b);
        return b;
    }

    private DeviceBuffer upload(MemorySegment src, java.util.function.Consumer<Long> advance) {
        DeviceBuffer b = alloc(src.byteSize());
        gpu.upload(b, 0, src);
        if (advance != null) {
            advance.accept(align(src.byteSize()));
        }
        return b;
    }

    private DeviceBuffer upload(float[] values, java.util.function.Consumer<Long> advance) {
        return upload(MemorySegment.ofArray(values), advance);
    }

    private DeviceBuffer upload(Bf16Matrix m, java.util.function.Consumer<Long> advance) {
        return upload(m.data(), advance);
    }

    private Layer uploadLayer(GptOssConfig c, int l, LayerWeights w, java.util.function.Consumer<Long> advance) {
        long d = c.hiddenSize();
        // q, k and v rows side by side: one matmul for all three.
        DeviceBuffer qkvW = alloc((long) c.qkvRows() * d * 2);
        gpu.upload(qkvW, 0, w.q().data());
        gpu.upload(qkvW, w.q().data().byteSize(), w.k().data());
        gpu.upload(qkvW, w.q().data().byteSize() + w.k().data().byteSize(), w.v().data());
        advance.accept(align(qkvW.bytes()));
        float[] bias = new float[c.qkvRows()];
        System.arraycopy(w.qBias(), 0, bias, 0, w.qBias().length);
        System.arraycopy(w.kBias(), 0, bias, w.qBias().length, w.kBias().length);
        System.arraycopy(w.vBias(), 0, bias, w.qBias().length + w.kBias().length, w.vBias().length);
        return new Layer(upload(w.attnNorm(), advance), qkvW, upload(bias, advance), upload(w.sinks(), advance),
                upload(w.out(), advance), upload(w.outBias(), advance), upload(w.mlpNorm(), advance), upload(w.gate(), advance),
                upload(w.gateBias(), advance), experts((ExpertWeights.Mxfp4Experts) w.mlp1(), w.mlp1Bias(), advance),
                experts((ExpertWeights.Mxfp4Experts) w.mlp2(), w.mlp2Bias(), advance),
                c.isSliding(l) ? c.slidingWindow() : 0);
    }

    private MoeKernels.Experts experts(ExpertWeights.Mxfp4Experts m, float[] bias, java.util.function.Consumer<Long> advance) {
        return new MoeKernels.Experts(upload(m.blocks(), advance), upload(m.scales(), advance), upload(bias, advance),
                m.experts(), m.rows(), m.cols());
    }

    @Override
    public GptOssConfig config() {
        return config;
    }

    public Options options() {
        return options;
    }

    public MemoryPlan memoryPlan() {
        return plan;
    }

    public Gpu gpu() {
        return gpu;
    }

    /** Positions the KV cache pool holds in all. */
    public long kvCachePositions() {
        return (long) pages.pages() * CudaKvCache.PAGE;
    }

    /** The longest sequence this engine takes. */
    public int maxContext() {
        return options.maxContext();
    }

    /** One line for logs: the GPU, the memory and the limits. */
    public String describe() {
        return String.format(Locale.ROOT, "CUDA engine on %s: %s; KV cache %s, batch <= %d, context <= %d, graphs %s, "
                + "tensor cores %s", gpu.name(), plan.describe(), options.kvBf16() ? "BF16" : "float32", options.maxBatch(),
                options.maxContext(), options.graphs() ? "on" : "off", options.tensorCores() ? "on" : "off");
    }

    @Override
    public CudaKvCache newCache(int maxContext) {
        checkOpen();
        if (maxContext < 1 || maxContext > options.maxContext()) {
            throw new IllegalArgumentException("maxContext must be in [1, " + options.maxContext() + "], got " + maxContext);
        }
        return new CudaKvCache(this, pages, maxContext, shape.kvBytesPerPosition());
    }

    // ---- prefill ----

    @Override
    public void prefill(KvCache cache, int[] tokens, float[] lastLogits) {
        checkLogits(lastLogits);
        runPrefill(own(cache), tokens, null, lastLogits, null);
    }

    @Override
    public void prefillAll(KvCache cache, int[] tokens, float[][] out) {
        if (out.length < tokens.length) {
            throw new IllegalArgumentException("need " + tokens.length + " logit rows, got " + out.length);
        }
        for (int i = 0; i < tokens.length; i++) {
            checkLogits(out[i]);
        }
        runPrefill(own(cache), tokens, out, null, null);
    }

    @Override
    public int prefillAndSample(KvCache cache, int[] tokens, Sampler sampler) {
        return runPrefill(own(cache), tokens, null, null, sampler);
    }

    private int runPrefill(CudaKvCache cache, int[] tokens, float[][] all, float[] last, Sampler sampler) {
        checkOpen();
        if (tokens.length == 0) {
            throw new IllegalArgumentException("prefill needs at least one token");
        }
        checkTokens(tokens, 0, tokens.length);
        cache.ensure(cache.length() + tokens.length);
        int chunk = options.prefillChunk();
        int picked = -1;
        for (int start = 0; start < tokens.length; start += chunk) {
            int rows = Math.min(chunk, tokens.length - start);
            int base = cache.length();
            MemorySegment host = stepHost.segment();
            for (int t = 0; t < rows; t++) {
                host.setAtIndex(ValueLayout.JAVA_INT, shape.stepOffsets()[0] / 4 + t, tokens[start + t]);
                host.setAtIndex(ValueLayout.JAVA_INT, shape.stepOffsets()[1] / 4 + t, base + t);
                host.setAtIndex(ValueLayout.JAVA_INT, shape.stepOffsets()[2] / 4 + t, 0);
            }
            cache.writePageTable(host, shape.stepOffsets()[3]);
            boolean lastChunk = start + rows == tokens.length;
            if (lastChunk && sampler != null) {
                setParams(0, sampler);
            }
            uploadStep(rows, 1, lastChunk && sampler != null ? 1 : 0);
            forward(rows, shape.prefillSplit());
            cache.advance(rows);
            if (all != null) {
                for (int j = 0; j < rows; j += shape.logitRows()) {
                    int n = Math.min(shape.logitRows(), rows - j);
                    unembed(j, n);
                    copyLogits(n, all, start + j);
                }
            } else if (lastChunk) {
                unembed(rows - 1, 1);
                if (sampler != null) {
                    sampling.sample(logits, config.vocabSize(), config.vocabSize(), param(), sampled(), 1);
                    gpu.copyToHost(stepHost, shape.stepOffsets()[5], stepIn, shape.stepOffsets()[5], 4);
                    gpu.synchronize();
                    picked = stepHost.segment().get(ValueLayout.JAVA_INT, shape.stepOffsets()[5]);
                } else {
                    copyLogits(1, new float[][] {last}, 0);
                }
            } else {
                gpu.synchronize(); // the next chunk rewrites the pinned step inputs
            }
        }
        return picked;
    }

    // ---- decode ----

    @Override
    public void decode(KvCache[] caches, int[] tokens, float[][] out) {
        if (caches.length != tokens.length || out.length < tokens.length) {
            throw new IllegalArgumentException("decode needs one cache, token and logits row per sequence, got "
                    + caches.length + " caches, " + tokens.length + " tokens, " + out.length + " logit rows");
        }
        for (int i = 0; i < tokens.length; i++) {
            checkLogits(out[i]);
        }
        runDecode(caches, tokens, null, out, null);
    }

    @Override
    public void decodeAndSample(KvCache[] caches, int[] tokens, Sampler[] samplers, int[] next) {
        if (caches.length != tokens.length || samplers.length < tokens.length || next.length < tokens.length) {
            throw new IllegalArgumentException("decode needs one cache, token, sampler and output per sequence, got "
                    + caches.length + " caches, " + tokens.length + " tokens, " + samplers.length + " samplers, "
                    + next.length + " outputs");
        }
        runDecode(caches, tokens, samplers, null, next);
    }

    private void runDecode(KvCache[] caches, int[] tokens, Sampler[] samplers, float[][] out, int[] next) {
        checkOpen();
        CudaKvCache[] own = new CudaKvCache[caches.length];
        for (int i = 0; i < caches.length; i++) {
            own[i] = own(caches[i]);
            for (int j = 0; j < i; j++) {
                if (own[j] == own[i]) {
                    throw new IllegalArgumentException("decode got the same KV cache twice (sequence " + i + ")");
                }
            }
        }
        checkTokens(tokens, 0, tokens.length);
        for (CudaKvCache c : own) {
            c.ensure(c.length() + 1);
        }
        for (int start = 0; start < tokens.length; start += options.maxBatch()) {
            int b = Math.min(options.maxBatch(), tokens.length - start);
            MemorySegment host = stepHost.segment();
            for (int i = 0; i < b; i++) {
                CudaKvCache c = own[start + i];
                host.setAtIndex(ValueLayout.JAVA_INT, shape.stepOffsets()[0] / 4 + i, tokens[start + i]);
                host.setAtIndex(ValueLayout.JAVA_INT, shape.stepOffsets()[1] / 4 + i, c.length());
                host.setAtIndex(ValueLayout.JAVA_INT, shape.stepOffsets()[2] / 4 + i, i);
                c.writePageTable(host, shape.stepOffsets()[3] + 4L * i * shape.pagesPerSeq());
                if (samplers != null) {
                    setParams(i, samplers[start + i]);
                }
            }
            Mode mode = samplers != null ? Mode.SAMPLE : Mode.LOGITS;
            if (options.graphs()) {
                long key = ((long) b << 1) | mode.ordinal();
                Gpu.Graph g = graphs.get(key);
                if (g == null) {
                    g = gpu.capture(() -> enqueueDecode(b, mode));
                    graphs.put(key, g);
                }
                gpu.launch(g);
            } else {
                enqueueDecode(b, mode);
            }
            gpu.synchronize();
            for (int i = 0; i < b; i++) {
                own[start + i].advance(1);
            }
            if (mode == Mode.SAMPLE) {
                for (int i = 0; i < b; i++) {
                    next[start + i] = host.getAtIndex(ValueLayout.JAVA_INT, shape.stepOffsets()[5] / 4 + i);
                }
            } else {
                readLogits(b, out, start);
            }
        }
    }

    /** One decode step of {@code b} rows: inputs up, forward, unembedding, then ids or logits down (graph body). */
    private void enqueueDecode(int b, Mode mode) {
        uploadStep(b, b, mode == Mode.SAMPLE ? b : 0);
        forward(b, shape.decodeSplit());
        unembed(0, b);
        if (mode == Mode.SAMPLE) {
            sampling.sample(logits, config.vocabSize(), config.vocabSize(), param(), sampled(), b);
            gpu.copyToHost(stepHost, shape.stepOffsets()[5], stepIn, shape.stepOffsets()[5], 4L * b);
        } else {
            gpu.copyToHost(logitsHost, 0, logits, 0, 4L * b * config.vocabSize());
        }
    }

    // ---- the forward pass ----

    private DeviceBuffer stepRegion(int i) {
        long end = i + 1 < shape.stepOffsets().length ? shape.stepOffsets()[i + 1] : shape.stepBytes();
        return stepIn.slice(shape.stepOffsets()[i], end - shape.stepOffsets()[i]);
    }

    private DeviceBuffer tokensIn() {
        return stepRegion(0);
    }

    private DeviceBuffer positionsIn() {
        return stepRegion(1);
    }

    private DeviceBuffer rowSeqIn() {
        return stepRegion(2);
    }

    private DeviceBuffer pageTableIn() {
        return stepRegion(3);
    }

    private DeviceBuffer param() {
        return stepRegion(4);
    }

    private DeviceBuffer sampled() {
        return stepRegion(5);
    }

    /** Copies the first {@code rows} tokens/positions/row maps, {@code pageRows} page tables and {@code paramRows} params. */
    private void uploadStep(int rows, int pageRows, int paramRows) {
        long[] o = shape.stepOffsets();
        for (int i = 0; i < 3; i++) {
            gpu.copyToDevice(stepIn, o[i], stepHost, o[i], 4L * rows);
        }
        gpu.copyToDevice(stepIn, o[3], stepHost, o[3], 4L * pageRows * shape.pagesPerSeq());
        if (paramRows > 0) {
            gpu.copyToDevice(stepIn, o[4], stepHost, o[4], 4L * paramRows * SamplingKernels.PARAMS);
        }
    }

    private void setParams(int row, Sampler sampler) {
        SamplingParams p = sampler.params();
        double uniform = p.isGreedy() ? 0 : sampler.nextUniform();
        SamplingKernels.setParams(stepHost.segment(), shape.stepOffsets()[4], row, p.temperature(), p.topP(), uniform,
                p.topK());
    }

    /** The transformer over {@code rows} rows whose inputs are on the device; leaves the final-normed rows in normed. */
    private void forward(int rows, AttentionKernels.Split split) {
        GptOssConfig c = config;
        int d = c.hiddenSize();
        int qkvDim = shape.qkv();
        int qDim = shape.qDim();
        int layerCount = layers.length;
        int k = c.expertsPerToken();
        int maxActive = Math.min(c.numExperts(), rows * k);
        double perExpert = (double) rows * k / c.numExperts();
        float eps = c.rmsNormEps();
        embedding.embed(embeddingTable, c.vocabSize(), d, tokensIn(), rows, layers[0].attnNorm(), eps, x, normed);
        for (int l = 0; l < layerCount; l++) {
            Layer w = layers[l];
            matmul.matmul(w.qkvW(), qkvDim, d, w.qkvB(), normed, d, qkv, qkvDim, rows, false);
            rope.ropeKv(qkv, qkvDim, cos, sin, positionsIn(), rowSeqIn(), pageTableIn(), shape.pagesPerSeq(), kvPool,
                    options.kvBf16(), l, layerCount, c.numAttentionHeads(), c.numKeyValueHeads(), c.headDim(), rows);
            attention.attend(qkv, qkvDim, positionsIn(), rowSeqIn(), pageTableIn(), shape.pagesPerSeq(), kvPool, l, layerCount,
                    w.sinks(), smScale, w.window(), split, partials, counters, attnOut, qDim, rows);
            matmul.matmul(w.outW(), d, qDim, w.outB(), attnOut, qDim, x, d, rows, true);
            router.route(x, rows, d, w.mlpNorm(), eps, w.gateW(), w.gateB(), c.numExperts(), k, normed, routing);
            moe.mlp1(w.mlp1(), normed, d, k, act, routing, maxActive, perExpert, c.swigluLimit());
            moe.mlp2(w.mlp2(), act, c.intermediateSize(), expertOut, routing, maxActive, perExpert);
            DeviceBuffer nextNorm = l + 1 < layerCount ? layers[l + 1].attnNorm() : finalNorm;
            combine.combine(x, expertOut, routing, k, d, nextNorm, eps, normed, rows);
        }
    }

    /** Logits of normed rows {@code first .. first+count-1} into logit rows {@code 0 .. count-1}. */
    private void unembed(int first, int count) {
        int d = config.hiddenSize();
        matmul.matmul(unembeddingW, config.vocabSize(), d, null, normed.slice(4L * first * d, 4L * count * d), d, logits,
                config.vocabSize(), count, false);
    }

    private void copyLogits(int rows, float[][] out, int outStart) {
        gpu.copyToHost(logitsHost, 0, logits, 0, 4L * rows * config.vocabSize());
        gpu.synchronize();
        readLogits(rows, out, outStart);
    }

    private void readLogits(int rows, float[][] out, int outStart) {
        int v = config.vocabSize();
        for (int i = 0; i < rows; i++) {
            MemorySegment.copy(logitsHost.segment(), ValueLayout.JAVA_FLOAT, 4L * i * v, out[outStart + i], 0, v);
        }
    }

    // ---- checks ----

    private CudaKvCache own(KvCache cache) {
        if (!(cache instanceof CudaKvCache c) || c.engine() != this) {
            throw new IllegalArgumentException("KV cache was not created by this engine: " + cache);
        }
        return c;
    }

    private void checkTokens(int[] tokens, int from, int to) {
        for (int i = from; i < to; i++) {
            if (tokens[i] < 0 || tokens[i] >= config.vocabSize()) {
                throw new IllegalArgumentException("token id " + tokens[i] + " is outside the vocabulary [0, "
                        + config.vocabSize() + ")");
            }
        }
    }

    private void checkLogits(float[] l) {
        if (l == null || l.length < config.vocabSize()) {
            throw new IllegalArgumentException("logits buffer must hold " + config.vocabSize() + " floats");
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the CUDA engine was closed");
        }
    }

    /** Convenience: the logits of every position of {@code tokens} from an empty context. */
    public float[][] logitsAll(int[] tokens) {
        float[][] out = new float[tokens.length][config.vocabSize()];
        prefillAll(newCache(Math.max(tokens.length, 1)), tokens, out);
        return out;
    }

    private void freeAll() {
        for (Gpu.Graph g : graphs.values()) {
            g.close();
        }
        graphs.clear();
        for (DeviceBuffer b : allocations) {
            gpu.free(b);
        }
        allocations.clear();
        for (PinnedBuffer b : pinned) {
            gpu.freePinned(b);
        }
        pinned.clear();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            gpu.synchronize();
            if (pages != null) {
                pages.close();
            }
            freeAll();
        } finally {
            if (ownsGpu) {
                gpu.close();
            }
        }
    }
}
