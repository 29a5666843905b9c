package dev.agentrt.model.synth;

import dev.agentrt.model.DType;

/**
 * One original-layout tensor of a synthetic checkpoint and how its elements are drawn (spec §12.2): BF16 floats
 * {@code (2u−1)·scale + offset}, MXFP4 block bytes {@code z & 0xFF}, or scale bytes {@code 120 + z mod 4}.
 */
record SynthTensor(String name, DType dtype, long[] shape, Kind kind, double scale, double offset) {
    enum Kind { FLOAT, FP4_BLOCKS, E8M0_SCALES }

    static SynthTensor floats(String name, double scale, double offset, long... shape) {
        return new SynthTensor(name, DType.BF16, shape, Kind.FLOAT, scale, offset);
    }

    static SynthTensor blocks(String name, long... shape) {
        return new SynthTensor(name, DType.U8, shape, Kind.FP4_BLOCKS, 0, 0);
    }

    static SynthTensor scales(String name, long... shape) {
        return new SynthTensor(name, DType.U8, shape, Kind.E8M0_SCALES, 0, 0);
    }

    /** Elements per row: the last dimension (for blocks, the whole 16-byte group row counts as one row). */
    long rowLength() {
        return shape[shape.length - 1];
    }
}
