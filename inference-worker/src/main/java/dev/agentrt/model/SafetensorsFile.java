package dev.agentrt.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A safetensors file memory-mapped as one {@link MemorySegment} (read-only). The header is validated on open:
 * known dtypes, non-negative shapes, offsets inside the file, byte size equal to dtype size times element
 * count, and no two tensors overlapping. Tensor data are slices of the mapping; nothing is copied.
 */
public final class SafetensorsFile {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Headers are small JSON objects; anything larger is a corrupt length field. */
    private static final long MAX_HEADER_BYTES = 100L << 20;
    /** Where each tensor starts in a {@link #residentCopy}: a page, so whole cache lines and 4 KB pages alike. */
    static final long RESIDENT_ALIGNMENT = 4096;
    private static final ValueLayout.OfLong U64_LE =
            ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final Path path;
    private final Map<String, TensorInfo> tensors;
    private final Map<String, String> metadata;
    private final long fileSize;
    private final MemorySegment mapping;

    private SafetensorsFile(Path path, MemorySegment mapping, Map<String, TensorInfo> tensors,
                            Map<String, String> metadata, long fileSize) {
        this.path = path;
        this.mapping = mapping;
        this.fileSize = fileSize;
        this.tensors = tensors;
        this.metadata = metadata;
    }

    /** Maps {@code path} into {@code arena} (which owns the mapping's lifetime) and validates its header. */
    public static SafetensorsFile open(Path path, Arena arena) {
        MemorySegment file;
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size < 8) {
                throw new CheckpointException(path + ": truncated safetensors file (" + size + " bytes, no header length)");
            }
            file = channel.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
        } catch (IOException e) {
            throw new CheckpointException(path + ": cannot map safetensors file: " + e.getMessage(), e);
        }
        return parse(path, file);
    }

    static SafetensorsFile parse(Path path, MemorySegment file) {
        long size = file.byteSize();
        long headerLength = file.get(U64_LE, 0);
        if (headerLength < 2 || headerLength > MAX_HEADER_BYTES || headerLength > size - 8) {
            throw new CheckpointException(path + ": truncated or corrupt safetensors file: header length "
                    + Long.toUnsignedString(headerLength) + " but file has " + size + " bytes");
        }
        byte[] headerBytes = file.asSlice(8, headerLength).toArray(ValueLayout.JAVA_BYTE);
        JsonNode header;
        try {
            header = JSON.readTree(new String(headerBytes, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new CheckpointException(path + ": safetensors header is not valid JSON: " + e.getMessage(), e);
        }
        if (header == null || !header.isObject()) {
            throw new CheckpointException(path + ": safetensors header is not a JSON object");
        }
        long dataStart = 8 + headerLength;
        long dataLength = size - dataStart;
        Map<String, TensorInfo> tensors = new LinkedHashMap<>();
        Map<String, String> metadata = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().equals("__metadata__")) {
                e.getValue().fields().forEachRemaining(m -> metadata.put(m.getKey(), m.getValue().asText()));
                continue;
            }
            TensorInfo t = tensor(path, e.getKey(), e.getValue(), file, dataStart, dataLength);
            tensors.put(t.name(), t);
        }
        checkNoOverlap(path, tensors.values(), dataStart);
        return new SafetensorsFile(path, file, Collections.unmodifiableMap(tensors), Collections.unmodifiableMap(metadata),
                size);
    }

    private static TensorInfo tensor(Path path, String name, JsonNode entry, MemorySegment file, long dataStart,
                                     long dataLength) {
        String where = path + ": tensor '" + name + "'";
        if (!entry.isObject() || !entry.path("dtype").isTextual() || !entry.path("shape").isArray()
                || !entry.path("data_offsets").isArray() || entry.path("data_offsets").size() != 2) {
            throw new CheckpointException(where + " has a malformed header entry: " + entry);
        }
        DType dtype = DType.parse(entry.get("dtype").asText());
        if (dtype == null) {
            throw new CheckpointException(where + " has unsupported dtype " + entry.get("dtype").asText());
        }
        JsonNode shapeNode = entry.get("shape");
        long[] shape = new long[shapeNode.size()];
        for (int i = 0; i < shape.length; i++) {
            JsonNode d = shapeNode.get(i);
            if (!d.canConvertToLong() || d.asLong() < 0) {
                throw new CheckpointException(where + " has an invalid shape " + shapeNode);
            }
            shape[i] = d.asLong();
        }
        JsonNode offsets = entry.get("data_offsets");
        if (!offsets.get(0).canConvertToLong() || !offsets.get(1).canConvertToLong()) {
            throw new CheckpointException(where + " has invalid data_offsets " + offsets);
        }
        long begin = offsets.get(0).asLong();
        long end = offsets.get(1).asLong();
        if (begin < 0 || end < begin) {
            throw new CheckpointException(where + " has invalid data_offsets " + offsets);
        }
        if (end > dataLength) {
            throw new CheckpointException(where + " ends at byte " + (dataStart + end) + " but the file has only "
                    + (dataStart + dataLength) + " bytes (truncated file?)");
        }
        long expected;
        try {
            expected = Math.multiplyExact(TensorInfo.elementCount(shape), dtype.bytes());
        } catch (ArithmeticException overflow) {
            throw new CheckpointException(where + " has an impossibly large shape " + shapeNode);
        }
        if (end - begin != expected) {
            throw new CheckpointException(where + " has " + (end - begin) + " bytes but dtype " + dtype + " and shape "
                    + shapeNode + " need " + expected);
        }
        return new TensorInfo(name, dtype, shape, path, file.asSlice(dataStart + begin, end - begin));
    }

    private static void checkNoOverlap(Path path, Iterable<TensorInfo> tensors, long dataStart) {
        List<TensorInfo> sorted = new ArrayList<>();
        tensors.forEach(sorted::add);
        sorted.sort(Comparator.comparingLong(t -> t.data().address()));
        for (int i = 1; i < sorted.size(); i++) {
            TensorInfo prev = sorted.get(i - 1);
            TensorInfo cur = sorted.get(i);
            if (prev.data().byteSize() > 0 && cur.data().byteSize() > 0
                    && prev.data().address() + prev.data().byteSize() > cur.data().address()) {
                throw new CheckpointException(path + ": tensors '" + prev.name() + "' and '" + cur.name() + "' overlap");
            }
        }
    }

    /**
     * This file's tensors read into new memory owned by {@code arena} ({@link ResidentMemory}), each starting on a
     * {@link #RESIDENT_ALIGNMENT} boundary. A verbatim copy of the file would leave the tensors wherever the header
     * length put them (the synthetic 20b's at 48 bytes past a cache line), and then every 64-byte vector load of the
     * kernels would straddle two cache lines.
     */
    public SafetensorsFile residentCopy(Arena arena) throws IOException {
        List<TensorInfo> inFileOrder = new ArrayList<>(tensors.values());
        inFileOrder.sort(Comparator.comparingLong(t -> t.data().address()));
        long[] offsets = new long[inFileOrder.size()];
        long[] lengths = new long[inFileOrder.size()];
        for (int i = 0; i < offsets.length; i++) {
            offsets[i] = inFileOrder.get(i).data().address() - mapping.address();
            lengths[i] = inFileOrder.get(i).data().byteSize();
        }
        ResidentMemory.Copy copy = ResidentMemory.copyRanges(path, offsets, lengths, RESIDENT_ALIGNMENT, arena);
        Map<String, TensorInfo> copied = new LinkedHashMap<>();
        for (int i = 0; i < offsets.length; i++) {
            TensorInfo t = inFileOrder.get(i);
            copied.put(t.name(), new TensorInfo(t.name(), t.dtype(), t.shape(), path,
                    copy.memory().asSlice(copy.starts()[i], lengths[i])));
        }
        Map<String, TensorInfo> headerOrder = new LinkedHashMap<>();
        tensors.keySet().forEach(name -> headerOrder.put(name, copied.get(name)));
        return new SafetensorsFile(path, copy.memory(), Collections.unmodifiableMap(headerOrder), metadata, fileSize);
    }

    public Path path() {
        return path;
    }

    public long fileSize() {
        return fileSize;
    }

    /** Tensors in header order. */
    public Map<String, TensorInfo> tensors() {
        return tensors;
    }

    /**
     * Faults the whole mapping into this process (and the page cache), so that the first tokens do not pay for
     * disk reads and page faults. Only for segments from {@link #open}.
     */
    public void preload() {
        if (mapping.isMapped()) {
            mapping.load();
        }
    }

    public Map<String, String> metadata() {
        return metadata;
    }
}
