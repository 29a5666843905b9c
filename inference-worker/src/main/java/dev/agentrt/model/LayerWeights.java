package dev.agentrt.model;

/**
 * The weights of one transformer block. Small vectors (norm scales, biases, sinks) are copied to float arrays;
 * matrices stay in the mapped checkpoint. Q, K and V are separate row ranges whatever the layout.
 */
public record LayerWeights(
        float[] attnNorm, Bf16Matrix q, Bf16Matrix k, Bf16Matrix v, float[] qBias, float[] kBias, float[] vBias,
        float[] sinks, Bf16Matrix out, float[] outBias,
        float[] mlpNorm, Bf16Matrix gate, float[] gateBias,
        ExpertWeights mlp1, float[] mlp1Bias, ExpertWeights mlp2, float[] mlp2Bias) {
}
