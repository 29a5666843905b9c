package dev.agentrt.model;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * One tensor of a safetensors file: its dtype, shape and bytes (a slice of the file's mapped segment, no copy).
 */
public record TensorInfo(String name, DType dtype, long[] shape, Path file, MemorySegment data) {

    public long elementCount() {
        return elementCount(shape);
    }

    public static long elementCount(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    public String shapeString() {
        return Arrays.toString(shape);
    }

    /** Fails with a message naming the file and tensor unless dtype and shape are exactly as expected. */
    public TensorInfo require(DType expectedType, long... expectedShape) {
        if (dtype != expectedType) {
            throw new CheckpointException(file + ": tensor '" + name + "' has dtype " + dtype + ", expected " + expectedType);
        }
        if (!Arrays.equals(shape, expectedShape)) {
            throw new CheckpointException(file + ": tensor '" + name + "' has shape " + shapeString()
                    + ", expected " + Arrays.toString(expectedShape));
        }
        return this;
    }

    @Override
    public String toString() {
        return name + " " + dtype + shapeString();
    }
}
