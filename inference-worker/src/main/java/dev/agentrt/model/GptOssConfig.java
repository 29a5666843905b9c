package dev.agentrt.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * The gpt-oss model configuration (spec §2): the 16 fields of the reference {@code ModelConfig}, plus the RMSNorm
 * eps and which layers use the sliding window. Reads both the original and the Hugging Face {@code config.json}.
 */
public record GptOssConfig(
        int numHiddenLayers, int numExperts, int expertsPerToken, int vocabSize, int hiddenSize,
        int intermediateSize, float swigluLimit, int headDim, int numAttentionHeads, int numKeyValueHeads,
        int slidingWindow, int initialContextLength, float ropeTheta, float ropeScalingFactor, float ropeNtkAlpha,
        float ropeNtkBeta, float rmsNormEps, List<Boolean> slidingLayers) {

    public static final float DEFAULT_RMS_NORM_EPS = 1e-5f;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The 16 keys of {@code original/config.json}; the reference rejects any other key. */
    public static final List<String> ORIGINAL_KEYS = List.of("num_hidden_layers", "num_experts", "experts_per_token",
            "vocab_size", "hidden_size", "intermediate_size", "swiglu_limit", "head_dim", "num_attention_heads",
            "num_key_value_heads", "sliding_window", "initial_context_length", "rope_theta", "rope_scaling_factor",
            "rope_ntk_alpha", "rope_ntk_beta");

    public GptOssConfig {
        slidingLayers = List.copyOf(slidingLayers);
    }

    /** A config with the reference layer pattern: even (0-based) layers slide, odd layers attend to everything. */
    public static GptOssConfig of(int layers, int experts, int expertsPerToken, int vocab, int hidden, int intermediate,
                                  float swigluLimit, int headDim, int heads, int kvHeads, int slidingWindow,
                                  int initialContext, float ropeTheta, float ropeFactor, float ntkAlpha, float ntkBeta) {
        return new GptOssConfig(layers, experts, expertsPerToken, vocab, hidden, intermediate, swigluLimit, headDim, heads,
                kvHeads, slidingWindow, initialContext, ropeTheta, ropeFactor, ntkAlpha, ntkBeta, DEFAULT_RMS_NORM_EPS,
                alternating(layers)).validate("config");
    }

    private static List<Boolean> alternating(int layers) {
        List<Boolean> sliding = new ArrayList<>(layers);
        for (int i = 0; i < layers; i++) {
            sliding.add(i % 2 == 0);
        }
        return sliding;
    }

    public int queriesPerKvHead() {
        return numAttentionHeads / numKeyValueHeads;
    }

    public int qkvRows() {
        return headDim * (numAttentionHeads + 2 * numKeyValueHeads);
    }

    public boolean isSliding(int layer) {
        return slidingLayers.get(layer);
    }

    /** Reads {@code config.json}, original or HF keys (told apart by {@code model_type}/{@code architectures}). */
    public static GptOssConfig read(Path configJson) {
        JsonNode root;
        try {
            root = JSON.readTree(Files.readString(configJson));
        } catch (IOException e) {
            throw new CheckpointException(configJson + ": cannot read config: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new CheckpointException(configJson + ": config is not a JSON object");
        }
        return isHuggingFace(root) ? fromHuggingFace(root, configJson.toString()) : fromOriginal(root, configJson.toString());
    }

    static boolean isHuggingFace(JsonNode root) {
        return root.has("model_type") || root.has("architectures") || root.has("num_local_experts");
    }

    /** Parses the original layout's config: exactly the 16 keys, like {@code ModelConfig(**config)}. */
    public static GptOssConfig fromOriginal(JsonNode root, String source) {
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!ORIGINAL_KEYS.contains(key)) {
                throw new CheckpointException(source + ": unknown key '" + key + "' in original config.json");
            }
        }
        int layers = intValue(root, "num_hidden_layers", source);
        return new GptOssConfig(layers, intValue(root, "num_experts", source),
                intValue(root, "experts_per_token", source), intValue(root, "vocab_size", source),
                intValue(root, "hidden_size", source), intValue(root, "intermediate_size", source),
                floatValue(root, "swiglu_limit", source), intValue(root, "head_dim", source),
                intValue(root, "num_attention_heads", source), intValue(root, "num_key_value_heads", source),
                intValue(root, "sliding_window", source), intValue(root, "initial_context_length", source),
                floatValue(root, "rope_theta", source), floatValue(root, "rope_scaling_factor", source),
                floatValue(root, "rope_ntk_alpha", source), floatValue(root, "rope_ntk_beta", source),
                DEFAULT_RMS_NORM_EPS, alternating(Math.max(layers, 0))).validate(source);
    }

    /** Parses a Hugging Face {@code config.json} (model_type gpt_oss), mapped to the original fields per §2.2. */
    public static GptOssConfig fromHuggingFace(JsonNode root, String source) {
        String modelType = root.path("model_type").asText("gpt_oss");
        if (!modelType.equals("gpt_oss")) {
            throw new CheckpointException(source + ": unsupported model_type '" + modelType + "' (expected gpt_oss)");
        }
        if (root.path("tie_word_embeddings").asBoolean(false)) {
            throw new CheckpointException(source + ": unsupported tie_word_embeddings=true (gpt-oss has a separate unembedding)");
        }
        if (root.has("hidden_act") && !root.get("hidden_act").asText().equals("silu")) {
            throw new CheckpointException(source + ": unsupported hidden_act '" + root.get("hidden_act").asText() + "'");
        }
        JsonNode quant = root.path("quantization_config");
        if (quant.has("quant_method") && !quant.get("quant_method").asText().equals("mxfp4")) {
            throw new CheckpointException(source + ": unsupported quant_method '" + quant.get("quant_method").asText() + "'");
        }
        // Newer transformers write rope_parameters (with rope_theta inside) instead of rope_scaling.
        JsonNode rope = root.has("rope_scaling") ? root.get("rope_scaling") : root.path("rope_parameters");
        if (!rope.isObject()) {
            throw new CheckpointException(source + ": missing rope_scaling (or rope_parameters)");
        }
        String ropeType = rope.path("rope_type").asText(rope.path("type").asText("yarn"));
        if (!ropeType.equals("yarn")) {
            throw new CheckpointException(source + ": unsupported rope_type '" + ropeType + "' (only yarn)");
        }
        if (rope.path("truncate").asBoolean(false)) {
            throw new CheckpointException(source + ": unsupported rope_scaling.truncate=true (the reference does not truncate)");
        }
        int layers = intValue(root, "num_hidden_layers", source);
        float theta = root.has("rope_theta") ? floatValue(root, "rope_theta", source) : floatValue(rope, "rope_theta", source);
        int initialContext = rope.has("original_max_position_embeddings")
                ? intValue(rope, "original_max_position_embeddings", source)
                : intValue(root, "initial_context_length", source);
        int perToken = root.has("num_experts_per_tok") ? intValue(root, "num_experts_per_tok", source)
                : intValue(root, "experts_per_token", source);
        float eps = root.has("rms_norm_eps") ? floatValue(root, "rms_norm_eps", source) : DEFAULT_RMS_NORM_EPS;
        List<Boolean> sliding = alternating(Math.max(layers, 0));
        if (root.has("layer_types")) {
            JsonNode types = root.get("layer_types");
            if (!types.isArray() || types.size() != layers) {
                throw new CheckpointException(source + ": layer_types must list " + layers + " entries, got " + types);
            }
            sliding = new ArrayList<>();
            for (JsonNode t : types) {
                switch (t.asText()) {
                    case "sliding_attention" -> sliding.add(true);
                    case "full_attention" -> sliding.add(false);
                    default -> throw new CheckpointException(source + ": unsupported layer type '" + t.asText() + "'");
                }
            }
        }
        return new GptOssConfig(layers, intValue(root, "num_local_experts", source), perToken,
                intValue(root, "vocab_size", source), intValue(root, "hidden_size", source),
                intValue(root, "intermediate_size", source),
                root.has("swiglu_limit") ? floatValue(root, "swiglu_limit", source) : 7.0f,
                intValue(root, "head_dim", source), intValue(root, "num_attention_heads", source),
                intValue(root, "num_key_value_heads", source), intValue(root, "sliding_window", source), initialContext,
                theta, floatValue(rope, "factor", source), floatValue(rope, "beta_slow", source),
                floatValue(rope, "beta_fast", source), eps, sliding).validate(source);
    }

    /** Checks every constraint the engine relies on; the message names the source and the offending value. */
    public GptOssConfig validate(String source) {
        positive(source, "num_hidden_layers", numHiddenLayers);
        positive(source, "num_experts", numExperts);
        positive(source, "experts_per_token", expertsPerToken);
        positive(source, "vocab_size", vocabSize);
        positive(source, "hidden_size", hiddenSize);
        positive(source, "intermediate_size", intermediateSize);
        positive(source, "head_dim", headDim);
        positive(source, "num_attention_heads", numAttentionHeads);
        positive(source, "num_key_value_heads", numKeyValueHeads);
        positive(source, "sliding_window", slidingWindow);
        positive(source, "initial_context_length", initialContextLength);
        if (expertsPerToken > numExperts) {
            fail(source, "experts_per_token " + expertsPerToken + " exceeds num_experts " + numExperts);
        }
        if (hiddenSize % 32 != 0 || intermediateSize % 32 != 0) {
            fail(source, "hidden_size and intermediate_size must be multiples of 32 (MXFP4 groups), got "
                    + hiddenSize + " and " + intermediateSize);
        }
        if (headDim % 2 != 0) {
            fail(source, "head_dim must be even, got " + headDim);
        }
        if (numAttentionHeads % numKeyValueHeads != 0) {
            fail(source, "num_attention_heads " + numAttentionHeads + " is not a multiple of num_key_value_heads "
                    + numKeyValueHeads);
        }
        if (!(swigluLimit > 0) || !(ropeTheta > 1) || !(ropeScalingFactor >= 1) || !(ropeNtkAlpha > 0)
                || !(ropeNtkBeta > ropeNtkAlpha) || !(rmsNormEps > 0)) {
            fail(source, "invalid swiglu_limit/rope values: swiglu_limit=" + swigluLimit + " rope_theta=" + ropeTheta
                    + " rope_scaling_factor=" + ropeScalingFactor + " rope_ntk_alpha=" + ropeNtkAlpha + " rope_ntk_beta="
                    + ropeNtkBeta + " rms_norm_eps=" + rmsNormEps);
        }
        if (slidingLayers.size() != numHiddenLayers) {
            fail(source, "layer pattern has " + slidingLayers.size() + " entries for " + numHiddenLayers + " layers");
        }
        double low = yarnLow();
        double high = yarnHigh();
        if (!(0 < low && low < high && high < headDim / 2.0 - 1)) {
            fail(source, "YaRN needs 0 < low < high < head_dim/2 - 1, got low=" + low + " high=" + high + " head_dim=" + headDim);
        }
        return this;
    }

    /** YaRN correction range, spec §7 (not truncated). */
    public double yarnLow() {
        return headDim / 2.0 * Math.log(initialContextLength / (ropeNtkBeta * 2 * Math.PI)) / Math.log(ropeTheta);
    }

    public double yarnHigh() {
        return headDim / 2.0 * Math.log(initialContextLength / (ropeNtkAlpha * 2 * Math.PI)) / Math.log(ropeTheta);
    }

    public ObjectNode toOriginalJson() {
        ObjectNode o = JSON.createObjectNode();
        o.put("num_hidden_layers", numHiddenLayers).put("num_experts", numExperts)
                .put("experts_per_token", expertsPerToken).put("vocab_size", vocabSize).put("hidden_size", hiddenSize)
                .put("intermediate_size", intermediateSize).put("swiglu_limit", (double) swigluLimit)
                .put("head_dim", headDim).put("num_attention_heads", numAttentionHeads)
                .put("num_key_value_heads", numKeyValueHeads).put("sliding_window", slidingWindow)
                .put("initial_context_length", initialContextLength).put("rope_theta", (double) ropeTheta)
                .put("rope_scaling_factor", (double) ropeScalingFactor).put("rope_ntk_alpha", (double) ropeNtkAlpha)
                .put("rope_ntk_beta", (double) ropeNtkBeta);
        return o;
    }

    /** The HF {@code config.json} of spec §12.4 / §2.2 for this config. */
    public ObjectNode toHuggingFaceJson() {
        ObjectNode o = JSON.createObjectNode();
        o.putArray("architectures").add("GptOssForCausalLM");
        o.put("model_type", "gpt_oss").put("attention_bias", true).put("attention_dropout", 0.0).put("hidden_act", "silu");
        o.put("num_hidden_layers", numHiddenLayers).put("num_local_experts", numExperts)
                .put("num_experts_per_tok", expertsPerToken).put("experts_per_token", expertsPerToken)
                .put("vocab_size", vocabSize).put("hidden_size", hiddenSize).put("intermediate_size", intermediateSize)
                .put("head_dim", headDim).put("num_attention_heads", numAttentionHeads)
                .put("num_key_value_heads", numKeyValueHeads).put("sliding_window", slidingWindow);
        ArrayNode types = o.putArray("layer_types");
        slidingLayers.forEach(s -> types.add(s ? "sliding_attention" : "full_attention"));
        o.put("rms_norm_eps", (double) rmsNormEps).put("swiglu_limit", (double) swigluLimit)
                .put("rope_theta", (double) ropeTheta).put("initial_context_length", initialContextLength)
                .put("max_position_embeddings", (long) (initialContextLength * (double) ropeScalingFactor));
        ObjectNode rope = o.putObject("rope_scaling");
        rope.put("rope_type", "yarn").put("factor", (double) ropeScalingFactor).put("beta_fast", (double) ropeNtkBeta)
                .put("beta_slow", (double) ropeNtkAlpha).put("original_max_position_embeddings", initialContextLength)
                .put("truncate", false);
        o.put("tie_word_embeddings", false);
        ObjectNode quant = o.putObject("quantization_config");
        quant.put("quant_method", "mxfp4");
        quant.putArray("modules_to_not_convert").add("model.layers.*.self_attn").add("model.layers.*.mlp.router")
                .add("model.embed_tokens").add("lm_head");
        return o;
    }


    private static int intValue(JsonNode node, String key, String source) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            throw new CheckpointException(source + ": missing config key '" + key + "'");
        }
        if (!v.isNumber() || v.asDouble() != Math.rint(v.asDouble()) || !v.canConvertToInt()) {
            throw new CheckpointException(source + ": config key '" + key + "' must be an integer, got " + v);
        }
        return v.asInt();
    }

    private static float floatValue(JsonNode node, String key, String source) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            throw new CheckpointException(source + ": missing config key '" + key + "'");
        }
        if (!v.isNumber()) {
            throw new CheckpointException(source + ": config key '" + key + "' must be a number, got " + v);
        }
        return (float) v.asDouble();
    }

    private static void positive(String source, String key, int value) {
        if (value <= 0) {
            fail(source, key + " must be positive, got " + value);
        }
    }

    private static void fail(String source, String message) {
        throw new CheckpointException(source + ": unsupported config value: " + message);
    }
}
