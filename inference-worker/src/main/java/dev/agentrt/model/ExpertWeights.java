package dev.agentrt.model;

import java.lang.foreign.MemorySegment;

/**
 * The stacked weight matrices of all experts of one projection, each logically {@code [rows=out, cols=in]}.
 * MXFP4 stays packed in memory; BF16 comes either row-major (original layout) or transposed {@code [in, out]}
 * (the dequantized HF export, spec §4).
 */
public sealed interface ExpertWeights {
    int experts();

    int rows();

    int cols();

    /** Bytes of one expert's matrix (what a token routed to it reads). */
    long bytesPerExpert();

    /** MXFP4 blocks {@code [E, rows, cols/32, 16]} and scales {@code [E, rows, cols/32]}. */
    record Mxfp4Experts(int experts, int rows, int cols, MemorySegment blocks, MemorySegment scales)
            implements ExpertWeights {
        @Override
        public long bytesPerExpert() {
            return (long) rows * cols / Mxfp4.GROUP * (Mxfp4.GROUP_BYTES + 1);
        }
    }

    /** BF16 {@code [E, rows, cols]} if not transposed, {@code [E, cols, rows]} if transposed. */
    record Bf16Experts(int experts, int rows, int cols, MemorySegment data, boolean transposed) implements ExpertWeights {
        @Override
        public long bytesPerExpert() {
            return (long) rows * cols * 2;
        }
    }
}
