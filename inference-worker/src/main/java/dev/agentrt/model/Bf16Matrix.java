package dev.agentrt.model;

import java.lang.foreign.MemorySegment;

/** A row-major {@code [rows, cols]} BF16 matrix backed by (a slice of) a mapped file; {@code y = W·x}. */
public record Bf16Matrix(int rows, int cols, MemorySegment data) {
    public Bf16Matrix {
        if (data.byteSize() != (long) rows * cols * 2) {
            throw new IllegalArgumentException("BF16 matrix " + rows + "x" + cols + " needs " + ((long) rows * cols * 2)
                    + " bytes, got " + data.byteSize());
        }
    }

    /** Rows {@code [from, from+count)} as a matrix sharing the same memory. */
    public Bf16Matrix rowSlice(int from, int count) {
        return new Bf16Matrix(count, cols, data.asSlice((long) from * cols * 2, (long) count * cols * 2));
    }

    public float get(int row, int col) {
        return Bf16.get(data, (long) row * cols + col);
    }
}
