package dev.agentrt.engine.cpu;

import dev.agentrt.engine.Engine;
import dev.agentrt.kv.CpuKvCache;
import dev.agentrt.kv.KvCache;
import dev.agentrt.model.GptOssConfig;
import dev.agentrt.model.ModelWeights;

/**
 * The fp32 CPU implementation of gpt-oss (spec §6–§8). A forward step processes up to {@code maxRows} token rows,
 * which may be consecutive tokens of one sequence (prefill, in chunks) or one token of each of several sequences
 * (batched decode); every weight matrix is read once per step. Weights stay in the mapped checkpoint.
 */
public final class CpuEngine implements Engine {
    /** Rows per forward step: the prefill chunk and the largest decode batch handled in one pass. */
    public static final int DEFAULT_MAX_ROWS = 64;
    /** Logit rows computed per unembedding pass (bounds the logits scratch: 16 × vocab floats). */
    private static final int LOGIT_ROWS = 16;

    private final GptOssConfig config;
    private final Parallel pool;
    private final boolean ownsPool;
    private final Workspace ws;
    private final Embedding embedding;
    private final Rope rope;
    private final AttentionBlock[] attention;
    private final MoeBlock[] moe;
    private final Unembedding unembedding;
    private final boolean[] sliding;
    private final float[] logitRows;
    private final float[] logitNormed;
    private final PhaseTimes times = new PhaseTimes();

    public CpuEngine(ModelWeights weights) {
        this(weights, Parallel.forAvailableCores(), true, DEFAULT_MAX_ROWS);
    }

    public CpuEngine(ModelWeights weights, Parallel pool, int maxRows) {
        this(weights, pool, false, maxRows);
    }

    private CpuEngine(ModelWeights weights, Parallel pool, boolean ownsPool, int maxRows) {
        if (maxRows < 1) {
            throw new IllegalArgumentException("maxRows must be >= 1, got " + maxRows);
        }
        this.config = weights.config();
        this.pool = pool;
        this.ownsPool = ownsPool;
        this.ws = new Workspace(config, maxRows, pool.threads());
        Bf16Matmul matmul = new Bf16Matmul(pool);
        this.embedding = new Embedding(weights.embedding());
        this.rope = new Rope(config);
        int layers = config.numHiddenLayers();
        this.attention = new AttentionBlock[layers];
        this.moe = new MoeBlock[layers];
        this.sliding = new boolean[layers];
        for (int l = 0; l < layers; l++) {
            attention[l] = new AttentionBlock(config, l, weights.layers().get(l), rope, matmul, pool, times);
            moe[l] = new MoeBlock(config, weights.layers().get(l), matmul, pool, times);
            sliding[l] = config.isSliding(l);
        }
        this.unembedding = new Unembedding(weights.norm(), config.rmsNormEps(), weights.unembedding(), matmul);
        this.logitRows = new float[LOGIT_ROWS * config.vocabSize()];
        this.logitNormed = new float[LOGIT_ROWS * config.hiddenSize()];
    }

    /** This engine's per-phase time accounting: off until {@link PhaseTimes#enable()} (benchmarks). */
    public PhaseTimes phaseTimes() {
        return times;
    }

    @Override
    public GptOssConfig config() {
        return config;
    }

    /** The largest usable context: the YaRN range {@code initial_context_length × factor} (131,072 for gpt-oss). */
    public int maxContext() {
        return (int) Math.min(Integer.MAX_VALUE / 2, (long) config.initialContextLength() * (long) config.ropeScalingFactor());
    }

    @Override
    public CpuKvCache newCache(int maxContext) {
        if (maxContext < 1 || maxContext > maxContext()) {
            throw new IllegalArgumentException("maxContext must be in [1, " + maxContext() + "], got " + maxContext);
        }
        return new CpuKvCache(sliding, config.slidingWindow(), ws.maxRows,
                config.numKeyValueHeads() * config.headDim(), maxContext);
    }

    @Override
    public void prefill(KvCache cache, int[] tokens, float[] lastLogits) {
        checkLogits(lastLogits);
        runPrefill(cpu(cache), tokens, null, lastLogits);
    }

    @Override
    public void prefillAll(KvCache cache, int[] tokens, float[][] logits) {
        if (logits.length < tokens.length) {
            throw new IllegalArgumentException("need " + tokens.length + " logit rows, got " + logits.length);
        }
        for (int i = 0; i < tokens.length; i++) {
            checkLogits(logits[i]);
        }
        runPrefill(cpu(cache), tokens, logits, null);
    }

    private void runPrefill(CpuKvCache cache, int[] tokens, float[][] all, float[] last) {
        if (tokens.length == 0) {
            throw new IllegalArgumentException("prefill needs at least one token");
        }
        cache.ensure(cache.length() + tokens.length);
        for (int start = 0; start < tokens.length; start += ws.maxRows) {
            int rows = Math.min(ws.maxRows, tokens.length - start);
            int base = cache.length();
            for (int t = 0; t < rows; t++) {
                ws.caches[t] = cache;
                ws.positions[t] = base + t;
            }
            forward(tokens, start, rows);
            cache.advance(rows);
            if (all != null) {
                logits(0, rows, all, start);
            } else if (start + rows == tokens.length) {
                logits(rows - 1, 1, new float[][] {last}, 0);
            }
        }
    }

    @Override
    public void decode(KvCache[] caches, int[] tokens, float[][] logits) {
        if (caches.length != tokens.length || logits.length < tokens.length) {
            throw new IllegalArgumentException("decode needs one cache, token and logits row per sequence, got "
                    + caches.length + " caches, " + tokens.length + " tokens, " + logits.length + " logit rows");
        }
        for (int i = 0; i < caches.length; i++) {
            for (int j = 0; j < i; j++) { // batches are small; no per-step set allocation
                if (caches[j] == caches[i]) {
                    throw new IllegalArgumentException("decode got the same KV cache twice (sequence " + i + ")");
                }
            }
            checkLogits(logits[i]);
            CpuKvCache c = cpu(caches[i]);
            c.ensure(c.length() + 1);
        }
        for (int start = 0; start < tokens.length; start += ws.maxRows) {
            int rows = Math.min(ws.maxRows, tokens.length - start);
            for (int t = 0; t < rows; t++) {
                ws.caches[t] = (CpuKvCache) caches[start + t];
                ws.positions[t] = ws.caches[t].length();
            }
            forward(tokens, start, rows);
            for (int t = 0; t < rows; t++) {
                ws.caches[t].advance(1);
            }
            logits(0, rows, logits, start);
        }
    }

    /** Runs the blocks over rows {@code 0..rows-1} (token {@code tokens[start + t]}, set up in the workspace). */
    private void forward(int[] tokens, int start, int rows) {
        times.beginStep();
        int d = config.hiddenSize();
        int half = config.headDim() / 2;
        int maxPos = 0;
        for (int t = 0; t < rows; t++) {
            embedding.lookup(tokens[start + t], ws.x, t * d);
            rope.table(ws.positions[t], ws.cos, ws.sin, t * half);
            maxPos = Math.max(maxPos, ws.positions[t]);
        }
        ws.ensureScores(maxPos + 1);
        for (int l = 0; l < attention.length; l++) {
            attention[l].forward(ws, rows);
            moe[l].forward(ws, rows);
        }
        times.endStep();
    }

    /** Logits of workspace rows {@code first..first+count-1} into {@code out[outStart..]}. */
    private void logits(int first, int count, float[][] out, int outStart) {
        int v = config.vocabSize();
        for (int done = 0; done < count; done += LOGIT_ROWS) {
            int n = Math.min(LOGIT_ROWS, count - done);
            long t = times.now();
            unembedding.forward(ws.x, first + done, n, logitNormed, logitRows);
            times.lap(PhaseTimes.Phase.UNEMBEDDING, t);
            for (int i = 0; i < n; i++) {
                System.arraycopy(logitRows, i * v, out[outStart + done + i], 0, v);
            }
        }
    }

    private CpuKvCache cpu(KvCache cache) {
        if (!(cache instanceof CpuKvCache c) || c.layers() != attention.length || c.kvDim() != ws.k.length / ws.maxRows
                || c.ringSlots() != Math.min(c.capacity(), config.slidingWindow() + ws.maxRows - 1)) {
            throw new IllegalArgumentException("KV cache was not created by this engine: " + cache);
        }
        return c;
    }

    private void checkLogits(float[] logits) {
        if (logits == null || logits.length < config.vocabSize()) {
            throw new IllegalArgumentException("logits buffer must hold " + config.vocabSize() + " floats");
        }
    }

    /** Convenience: the logits of every position of {@code tokens} from an empty context. */
    public float[][] logitsAll(int[] tokens) {
        float[][] out = new float[tokens.length][config.vocabSize()];
        prefillAll(newCache(Math.max(tokens.length, 1)), tokens, out);
        return out;
    }

    @Override
    public void close() {
        if (ownsPool) {
            pool.close();
        }
    }
}
