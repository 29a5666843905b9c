package dev.agentrt.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A gpt-oss checkpoint directory, original or Hugging Face layout (spec §1–§4), with every safetensors file
 * memory-mapped once. {@link #weights()} resolves and shape-checks all tensors; experts stay MXFP4.
 * Closing the checkpoint unmaps the files, after which no weights of it may be used.
 */
public final class Checkpoint implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path directory;
    private final CheckpointLayout layout;
    private final GptOssConfig config;
    private final Arena arena;
    private final List<SafetensorsFile> files;
    private final Map<String, TensorInfo> tensors;
    private ModelWeights residentWeights;
    private String residency = "mapped";

    private Checkpoint(Path directory, CheckpointLayout layout, GptOssConfig config, Arena arena,
                       List<SafetensorsFile> files, Map<String, TensorInfo> tensors) {
        this.directory = directory;
        this.layout = layout;
        this.config = config;
        this.arena = arena;
        this.files = files;
        this.tensors = tensors;
    }

    /**
     * Opens {@code dir}: a directory with an HF or original {@code config.json}, or an HF repository root whose
     * weights are read from its top level (an {@code original/} sub-directory is used only if the root has no
     * config).
     */
    public static Checkpoint open(Path dir) {
        Path configFile = dir.resolve("config.json");
        if (!Files.isRegularFile(configFile) && Files.isRegularFile(dir.resolve("original").resolve("config.json"))) {
            dir = dir.resolve("original");
            configFile = dir.resolve("config.json");
        }
        if (!Files.isRegularFile(configFile)) {
            throw new CheckpointException(dir + ": not a checkpoint directory (no config.json)");
        }
        JsonNode root;
        try {
            root = JSON.readTree(Files.readString(configFile));
        } catch (IOException e) {
            throw new CheckpointException(configFile + ": cannot read config: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new CheckpointException(configFile + ": config is not a JSON object");
        }
        boolean hf = GptOssConfig.isHuggingFace(root);
        GptOssConfig config = hf ? GptOssConfig.fromHuggingFace(root, configFile.toString())
                : GptOssConfig.fromOriginal(root, configFile.toString());
        Arena arena = Arena.ofShared();
        try {
            List<Path> paths = hf ? hfFiles(dir) : safetensorsIn(dir);
            List<SafetensorsFile> files = new ArrayList<>();
            for (Path p : paths) {
                files.add(SafetensorsFile.open(p, arena));
            }
            Map<String, TensorInfo> tensors = tensorsOf(dir, files);
            if (hf) {
                checkIndex(dir, tensors);
            }
            return new Checkpoint(dir, hf ? CheckpointLayout.HF : CheckpointLayout.ORIGINAL, config, arena,
                    List.copyOf(files), Collections.unmodifiableMap(tensors));
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    private static Map<String, TensorInfo> tensorsOf(Path dir, List<SafetensorsFile> files) {
        Map<String, TensorInfo> tensors = new LinkedHashMap<>();
        for (SafetensorsFile f : files) {
            for (TensorInfo t : f.tensors().values()) {
                TensorInfo previous = tensors.putIfAbsent(t.name(), t);
                if (previous != null) {
                    throw new CheckpointException(dir + ": tensor '" + t.name() + "' is in both " + previous.file()
                            + " and " + t.file());
                }
            }
        }
        return tensors;
    }

    private static List<Path> safetensorsIn(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            List<Path> files = s.filter(p -> p.getFileName().toString().endsWith(".safetensors"))
                    .filter(Files::isRegularFile).sorted().toList();
            if (files.isEmpty()) {
                throw new CheckpointException(dir + ": no *.safetensors files");
            }
            return files;
        } catch (IOException e) {
            throw new CheckpointException(dir + ": cannot list directory: " + e.getMessage(), e);
        }
    }

    /** HF shards: the files named by {@code model.safetensors.index.json}, else every {@code *.safetensors}. */
    private static List<Path> hfFiles(Path dir) {
        Path index = dir.resolve("model.safetensors.index.json");
        if (!Files.isRegularFile(index)) {
            return safetensorsIn(dir);
        }
        JsonNode weightMap = readIndex(index);
        List<Path> files = new ArrayList<>();
        for (JsonNode f : weightMap) {
            Path p = dir.resolve(f.asText());
            if (!files.contains(p)) {
                if (!Files.isRegularFile(p)) {
                    throw new CheckpointException(index + ": shard " + f.asText() + " does not exist");
                }
                files.add(p);
            }
        }
        files.sort(null);
        return files;
    }

    private static JsonNode readIndex(Path index) {
        try {
            JsonNode weightMap = JSON.readTree(Files.readString(index)).path("weight_map");
            if (!weightMap.isObject() || weightMap.isEmpty()) {
                throw new CheckpointException(index + ": missing or empty weight_map");
            }
            return weightMap;
        } catch (IOException e) {
            throw new CheckpointException(index + ": cannot read index: " + e.getMessage(), e);
        }
    }

    private static void checkIndex(Path dir, Map<String, TensorInfo> tensors) {
        Path index = dir.resolve("model.safetensors.index.json");
        if (!Files.isRegularFile(index)) {
            return;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = readIndex(index).fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            TensorInfo t = tensors.get(e.getKey());
            if (t == null || !t.file().getFileName().toString().equals(e.getValue().asText())) {
                throw new CheckpointException(index + ": tensor '" + e.getKey() + "' is listed in " + e.getValue().asText()
                        + " but " + (t == null ? "is in no shard" : "is in " + t.file().getFileName()));
            }
        }
    }

    public Path directory() {
        return directory;
    }

    public CheckpointLayout layout() {
        return layout;
    }

    public GptOssConfig config() {
        return config;
    }

    public List<SafetensorsFile> files() {
        return files;
    }

    public Map<String, TensorInfo> tensors() {
        return tensors;
    }

    /** Pre-faults every mapped file (see {@link SafetensorsFile#preload}). */
    public void preload() {
        files.forEach(SafetensorsFile::preload);
    }

    public long totalBytes() {
        return files.stream().mapToLong(SafetensorsFile::fileSize).sum();
    }

    /** The tensor called {@code name}; a clear error if the checkpoint lacks it. */
    public TensorInfo tensor(String name) {
        TensorInfo t = tensors.get(name);
        if (t == null) {
            throw new CheckpointException(directory + ": missing tensor '" + name + "' (" + layout.label()
                    + " layout, files " + files.stream().map(f -> f.path().getFileName().toString()).toList() + ")");
        }
        return t;
    }

    /**
     * The weights copied once into anonymous memory ({@link ResidentMemory}: 2 MB pages on Linux): what the CPU
     * engine should run on, since it streams them at every token. Falls back to the mapped {@link #weights()}, with
     * the reason in {@link #residency()}, when the copy would not fit in the memory available now or when the
     * system property {@code agentrt.weights} is {@code mapped} (several worker processes sharing one page cache).
     * The first call reads every file (seconds from the page cache); later calls return the same weights.
     */
    public synchronized ModelWeights residentWeights() {
        if (residentWeights != null) {
            return residentWeights;
        }
        long needed = totalBytes();
        long available = MemoryInfo.availableBytes();
        if ("mapped".equals(System.getProperty("agentrt.weights"))) {
            residency = "mapped (agentrt.weights=mapped)";
            residentWeights = weights();
        } else if (available >= 0 && needed > available - MemoryInfo.HEADROOM) {
            residency = String.format("mapped (a resident copy needs %.1f GB, %.1f GB available)", needed / 1e9,
                    available / 1e9);
            System.getLogger(Checkpoint.class.getName()).log(System.Logger.Level.WARNING, directory
                    + ": CPU engine weights stay " + residency + "; decode reads them through the page cache, slower");
            residentWeights = weights();
        } else {
            List<SafetensorsFile> copies = new ArrayList<>();
            for (SafetensorsFile f : files) {
                try {
                    copies.add(f.residentCopy(arena));
                } catch (IOException e) {
                    throw new CheckpointException(f.path() + ": cannot read into memory: " + e.getMessage(), e);
                }
            }
            Checkpoint copy = new Checkpoint(directory, layout, config, arena, List.copyOf(copies),
                    Collections.unmodifiableMap(tensorsOf(directory, copies)));
            residentWeights = copy.weights();
            residency = ResidentMemory.hugePagesAdvised() ? "resident (2 MB pages advised)" : "resident";
        }
        return residentWeights;
    }

    /** How {@link #residentWeights()} holds the weights: {@code mapped} until it is called, then what it chose. */
    public synchronized String residency() {
        return residency;
    }

    /** Resolves every tensor of the model, checking names, dtypes and shapes against the config. */
    public ModelWeights weights() {
        GptOssConfig c = config;
        long v = c.vocabSize();
        long d = c.hiddenSize();
        Bf16Matrix embedding = matrix(name("embedding.weight", "model.embed_tokens.weight"), v, d);
        Bf16Matrix unembedding = matrix(name("unembedding.weight", "lm_head.weight"), v, d);
        float[] norm = vector(name("norm.scale", "model.norm.weight"), d);
        List<LayerWeights> layers = new ArrayList<>();
        for (int n = 0; n < c.numHiddenLayers(); n++) {
            layers.add(layer(n));
        }
        return new ModelWeights(c, embedding, List.copyOf(layers), norm, unembedding);
    }

    private String name(String original, String hf) {
        return layout == CheckpointLayout.ORIGINAL ? original : hf;
    }

    private LayerWeights layer(int n) {
        GptOssConfig c = config;
        int d = c.hiddenSize();
        int qRows = c.numAttentionHeads() * c.headDim();
        int kvRows = c.numKeyValueHeads() * c.headDim();
        int e = c.numExperts();
        Bf16Matrix q;
        Bf16Matrix k;
        Bf16Matrix vm;
        float[] qb;
        float[] kb;
        float[] vb;
        String o = "block." + n + ".";
        String h = "model.layers." + n + ".";
        if (layout == CheckpointLayout.ORIGINAL) {
            Bf16Matrix qkv = matrix(o + "attn.qkv.weight", c.qkvRows(), d);
            q = qkv.rowSlice(0, qRows);
            k = qkv.rowSlice(qRows, kvRows);
            vm = qkv.rowSlice(qRows + kvRows, kvRows);
            float[] bias = vector(o + "attn.qkv.bias", c.qkvRows());
            qb = java.util.Arrays.copyOfRange(bias, 0, qRows);
            kb = java.util.Arrays.copyOfRange(bias, qRows, qRows + kvRows);
            vb = java.util.Arrays.copyOfRange(bias, qRows + kvRows, qRows + 2 * kvRows);
        } else {
            q = matrix(h + "self_attn.q_proj.weight", qRows, d);
            k = matrix(h + "self_attn.k_proj.weight", kvRows, d);
            vm = matrix(h + "self_attn.v_proj.weight", kvRows, d);
            qb = vector(h + "self_attn.q_proj.bias", qRows);
            kb = vector(h + "self_attn.k_proj.bias", kvRows);
            vb = vector(h + "self_attn.v_proj.bias", kvRows);
        }
        float[] attnNorm = vector(name(o + "attn.norm.scale", h + "input_layernorm.weight"), d);
        float[] sinks = vector(name(o + "attn.sinks", h + "self_attn.sinks"), c.numAttentionHeads());
        Bf16Matrix out = matrix(name(o + "attn.out.weight", h + "self_attn.o_proj.weight"), d, qRows);
        float[] outBias = vector(name(o + "attn.out.bias", h + "self_attn.o_proj.bias"), d);
        float[] mlpNorm = vector(name(o + "mlp.norm.scale", h + "post_attention_layernorm.weight"), d);
        Bf16Matrix gate = matrix(name(o + "mlp.gate.weight", h + "mlp.router.weight"), e, d);
        float[] gateBias = vector(name(o + "mlp.gate.bias", h + "mlp.router.bias"), e);
        int i2 = 2 * c.intermediateSize();
        ExpertWeights mlp1 = experts(name(o + "mlp.mlp1_weight", h + "mlp.experts.gate_up_proj"), i2, d);
        float[] mlp1Bias = vector(name(o + "mlp.mlp1_bias", h + "mlp.experts.gate_up_proj_bias"), e, i2);
        ExpertWeights mlp2 = experts(name(o + "mlp.mlp2_weight", h + "mlp.experts.down_proj"), d, c.intermediateSize());
        float[] mlp2Bias = vector(name(o + "mlp.mlp2_bias", h + "mlp.experts.down_proj_bias"), e, d);
        return new LayerWeights(attnNorm, q, k, vm, qb, kb, vb, sinks, out, outBias, mlpNorm, gate, gateBias, mlp1,
                mlp1Bias, mlp2, mlp2Bias);
    }

    /**
     * Expert weights {@code [E, rows, cols]}: MXFP4 if the blocks tensor exists ({@code .blocks} original,
     * {@code _blocks} HF), else BF16 (row-major in the original layout, transposed {@code [E, cols, rows]} in HF).
     */
    private ExpertWeights experts(String base, int rows, int cols) {
        int e = config.numExperts();
        boolean original = layout == CheckpointLayout.ORIGINAL;
        String blocksName = base + (original ? ".blocks" : "_blocks");
        String scalesName = base + (original ? ".scales" : "_scales");
        if (tensors.containsKey(blocksName) || tensors.containsKey(scalesName) || !tensors.containsKey(base)) {
            TensorInfo blocks = tensor(blocksName).require(DType.U8, e, rows, cols / Mxfp4.GROUP, Mxfp4.GROUP_BYTES);
            TensorInfo scales = tensor(scalesName).require(DType.U8, e, rows, cols / Mxfp4.GROUP);
            return new ExpertWeights.Mxfp4Experts(e, rows, cols, blocks.data(), scales.data());
        }
        TensorInfo t = original ? tensor(base).require(DType.BF16, e, rows, cols)
                : tensor(base).require(DType.BF16, e, cols, rows);
        return new ExpertWeights.Bf16Experts(e, rows, cols, t.data(), !original);
    }

    private Bf16Matrix matrix(String name, long rows, long cols) {
        TensorInfo t = tensor(name).require(DType.BF16, rows, cols);
        return new Bf16Matrix((int) rows, (int) cols, t.data());
    }

    private float[] vector(String name, long... shape) {
        return Bf16.toFloatArray(tensor(name).require(DType.BF16, shape).data());
    }

    @Override
    public void close() {
        arena.close();
    }
}
