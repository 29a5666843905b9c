package dev.agentrt.model;

import java.util.List;

/** All weights of a gpt-oss model, independent of the checkpoint layout they were read from. */
public record ModelWeights(GptOssConfig config, Bf16Matrix embedding, List<LayerWeights> layers, float[] norm,
                           Bf16Matrix unembedding) {
}
