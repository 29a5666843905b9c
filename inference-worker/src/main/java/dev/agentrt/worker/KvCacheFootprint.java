package dev.agentrt.worker;

import dev.agentrt.engine.cuda.CudaKvCache;
import dev.agentrt.kv.CpuKvCache;
import dev.agentrt.kv.KvCache;
import dev.agentrt.model.GptOssConfig;

/**
 * Bytes a KV cache holds. The {@link KvCache} interface does not report its memory, so this reads the CPU cache's
 * arrays (which grow with the sequence) or the GPU cache's pages and, for any other implementation, assumes the full
 * capacity of float32 keys and values on every layer (an upper bound).
 */
final class KvCacheFootprint {
    private final GptOssConfig config;

    KvCacheFootprint(GptOssConfig config) {
        this.config = config;
    }

    long bytes(KvCache cache) {
        if (cache instanceof CpuKvCache cpu) {
            long floats = 0;
            for (int l = 0; l < cpu.layers(); l++) {
                floats += cpu.keys(l).length + (long) cpu.values(l).length;
            }
            return floats * Float.BYTES;
        }
        if (cache instanceof CudaKvCache gpu) {
            return gpu.deviceBytes();
        }
        long kvDim = (long) config.numKeyValueHeads() * config.headDim();
        return 2L * Float.BYTES * kvDim * config.numHiddenLayers() * cache.capacity();
    }
}
