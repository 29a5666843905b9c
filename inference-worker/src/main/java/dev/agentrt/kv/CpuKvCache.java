package dev.agentrt.kv;

/**
 * A float32 KV cache on the heap for the CPU engine. Keys are stored after RoPE. Full-attention layers keep every
 * position (arrays grow by doubling up to the capacity); sliding-window layers keep a ring of
 * {@code window + maxTokensPerStep − 1} slots: enough for the oldest query of a step to still see its whole window
 * after the step's keys were written.
 */
public final class CpuKvCache implements KvCache {
    private final int capacity;
    private final int kvDim;
    private final boolean[] sliding;
    private final int ringSlots;
    private final float[][] keys;
    private final float[][] values;
    private int length;

    public CpuKvCache(boolean[] slidingLayers, int window, int maxTokensPerStep, int kvDim, int capacity) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("KV cache capacity must be positive, got " + capacity);
        }
        this.capacity = capacity;
        this.kvDim = kvDim;
        this.sliding = slidingLayers.clone();
        this.ringSlots = Math.min(capacity, window + maxTokensPerStep - 1);
        this.keys = new float[sliding.length][];
        this.values = new float[sliding.length][];
        int initialFull = Math.min(capacity, 256);
        for (int l = 0; l < sliding.length; l++) {
            int slots = sliding[l] ? ringSlots : initialFull;
            keys[l] = new float[slots * kvDim];
            values[l] = new float[slots * kvDim];
        }
    }

    @Override
    public int length() {
        return length;
    }

    @Override
    public int capacity() {
        return capacity;
    }

    @Override
    public void reset() {
        length = 0;
    }

    /** Makes room for positions up to {@code newLength − 1}; fails past the capacity. */
    public void ensure(int newLength) {
        if (newLength > capacity) {
            throw new IllegalStateException("context overflow: " + newLength + " positions, cache capacity " + capacity);
        }
        for (int l = 0; l < sliding.length; l++) {
            if (!sliding[l] && keys[l].length < newLength * kvDim) {
                int slots = Math.min(capacity, Math.max(newLength, keys[l].length / kvDim * 2));
                keys[l] = java.util.Arrays.copyOf(keys[l], slots * kvDim);
                values[l] = java.util.Arrays.copyOf(values[l], slots * kvDim);
            }
        }
    }

    /** Float offset of position {@code pos} of layer {@code layer} in {@link #keys}/{@link #values}. */
    public int offset(int layer, int pos) {
        return (sliding[layer] ? pos % ringSlots : pos) * kvDim;
    }

    public float[] keys(int layer) {
        return keys[layer];
    }

    public float[] values(int layer) {
        return values[layer];
    }

    public void advance(int tokens) {
        length += tokens;
    }

    public int layers() {
        return sliding.length;
    }

    public int kvDim() {
        return kvDim;
    }

    /** Slots of a sliding layer's ring. */
    public int ringSlots() {
        return ringSlots;
    }
}
