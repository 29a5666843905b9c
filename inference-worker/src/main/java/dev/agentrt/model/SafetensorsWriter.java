package dev.agentrt.model;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Writes a safetensors file the way the official writer does: tensors sorted by name (byte order), a compact
 * header without {@code __metadata__}, padded with spaces to a multiple of 8, then the data in the same order
 * without gaps. Tensor contents are streamed from a {@link TensorSource}, so multi-GB files never sit in memory.
 */
public final class SafetensorsWriter {

    /** A tensor to write: name, dtype and shape. */
    public record Spec(String name, DType dtype, long[] shape) {
        public long byteSize() {
            return TensorInfo.elementCount(shape) * dtype.bytes();
        }
    }

    /** Produces the bytes of one tensor, in order, by calling {@code sink} with consecutive chunks. */
    @FunctionalInterface
    public interface TensorSource {
        void write(Spec spec, ChunkSink sink) throws IOException;
    }

    /** Receives consecutive chunks of one tensor; the buffer is consumed from position to limit. */
    @FunctionalInterface
    public interface ChunkSink {
        void accept(ByteBuffer chunk) throws IOException;
    }

    private SafetensorsWriter() {
    }

    /** Returns the specs sorted in file order (byte order of the UTF-8 names). */
    public static List<Spec> fileOrder(List<Spec> specs) {
        List<Spec> sorted = new ArrayList<>(specs);
        sorted.sort(Comparator.comparing(s -> s.name().getBytes(StandardCharsets.UTF_8), java.util.Arrays::compareUnsigned));
        return sorted;
    }

    public static byte[] header(List<Spec> specs) {
        StringBuilder json = new StringBuilder("{");
        long offset = 0;
        for (Spec s : fileOrder(specs)) {
            if (json.length() > 1) {
                json.append(',');
            }
            long end = offset + s.byteSize();
            json.append('"').append(escape(s.name())).append("\":{\"dtype\":\"").append(s.dtype().name())
                    .append("\",\"shape\":[");
            for (int i = 0; i < s.shape().length; i++) {
                json.append(i == 0 ? "" : ",").append(s.shape()[i]);
            }
            json.append("],\"data_offsets\":[").append(offset).append(',').append(end).append("]}");
            offset = end;
        }
        json.append('}');
        byte[] bytes = json.toString().getBytes(StandardCharsets.UTF_8);
        byte[] padded = java.util.Arrays.copyOf(bytes, (bytes.length + 7) / 8 * 8);
        java.util.Arrays.fill(padded, bytes.length, padded.length, (byte) ' ');
        return padded;
    }

    public static void write(Path file, List<Spec> specs, TensorSource source) throws IOException {
        byte[] header = header(specs);
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer len = ByteBuffer.allocate(8).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(header.length).flip();
            writeFully(out, len);
            writeFully(out, ByteBuffer.wrap(header));
            for (Spec s : fileOrder(specs)) {
                long before = out.position();
                source.write(s, chunk -> writeFully(out, chunk));
                long written = out.position() - before;
                if (written != s.byteSize()) {
                    throw new IllegalStateException("tensor " + s.name() + ": source wrote " + written + " bytes, expected "
                            + s.byteSize());
                }
            }
        }
    }

    private static void writeFully(FileChannel out, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) {
            out.write(buf);
        }
    }

    private static String escape(String name) {
        return name.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
