package dev.agentrt.model;

/**
 * Parameter counts and bytes read per decoded token (spec §10–§11) for a config and an expert storage format.
 *
 * @param expertBytesPerWeight 17/32 for MXFP4, 2 for BF16 experts
 */
public record ModelStats(GptOssConfig config, double expertBytesPerWeight) {
    public static final double MXFP4_BYTES_PER_WEIGHT = 17.0 / 32.0;

    public static ModelStats of(ModelWeights w) {
        boolean mxfp4 = w.layers().getFirst().mlp1() instanceof ExpertWeights.Mxfp4Experts;
        return new ModelStats(w.config(), mxfp4 ? MXFP4_BYTES_PER_WEIGHT : 2.0);
    }

    private long d() {
        return config.hiddenSize();
    }

    public long attentionParamsPerLayer() {
        long qkv = config.qkvRows();
        long attn = (long) config.numAttentionHeads() * config.headDim();
        return qkv * d() + qkv + d() * attn + d() + config.numAttentionHeads();
    }

    public long routerParamsPerLayer() {
        return config.numExperts() * d() + config.numExperts();
    }

    /** mlp1 + mlp2 weights of one expert. */
    public long weightsPerExpert() {
        long i = config.intermediateSize();
        return 2 * i * d() + d() * i;
    }

    public long biasesPerExpert() {
        return 2L * config.intermediateSize() + d();
    }

    public long paramsPerLayer() {
        return attentionParamsPerLayer() + 2 * d() + routerParamsPerLayer()
                + config.numExperts() * (weightsPerExpert() + biasesPerExpert());
    }

    public long totalParams() {
        return config.numHiddenLayers() * paramsPerLayer() + 2L * config.vocabSize() * d() + d();
    }

    public long expertWeightParams() {
        return (long) config.numHiddenLayers() * config.numExperts() * weightsPerExpert();
    }

    /** Parameters touched by one token: everything but the embedding and the unchosen experts. */
    public long activeParams() {
        long layer = attentionParamsPerLayer() + 2 * d() + routerParamsPerLayer()
                + config.expertsPerToken() * (weightsPerExpert() + biasesPerExpert());
        return config.numHiddenLayers() * layer + (long) config.vocabSize() * d() + d();
    }

    /** Weight bytes read per decoded token at batch 1 (BF16 non-expert weights, experts as stored). */
    public long weightBytesPerToken() {
        long layer = 2 * (attentionParamsPerLayer() + 2 * d() + routerParamsPerLayer())
                + config.expertsPerToken() * (Math.round(weightsPerExpert() * expertBytesPerWeight) + 2 * biasesPerExpert());
        return config.numHiddenLayers() * layer + 2L * config.vocabSize() * d() + 2 * d() + 2 * d();
    }

    /** KV-cache bytes read per decoded token at context {@code context}, with {@code bytesPerValue} per element. */
    public long kvBytesPerToken(int context, int bytesPerValue) {
        long perPosition = 2L * config.numKeyValueHeads() * config.headDim() * bytesPerValue;
        long bytes = 0;
        for (int l = 0; l < config.numHiddenLayers(); l++) {
            bytes += perPosition * (config.isSliding(l) ? Math.min(context, config.slidingWindow()) : context);
        }
        return bytes;
    }
}
