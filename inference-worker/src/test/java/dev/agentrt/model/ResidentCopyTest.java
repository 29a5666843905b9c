package dev.agentrt.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The resident copy of a safetensors file places every tensor on a page boundary, bytes unchanged. */
class ResidentCopyTest {
    @TempDir
    Path tmp;

    @Test
    void rangesArePackedInOrderAtMultiplesOfTheAlignment() {
        assertThat(ResidentMemory.alignedStarts(new long[] {10, 0, 4096, 1, 4097}, 4096))
                .containsExactly(0, 4096, 4096, 8192, 12288);
        assertThat(ResidentMemory.alignedStarts(new long[] {64, 65, 1}, 64)).containsExactly(0, 64, 192);
        assertThat(ResidentMemory.alignedStarts(new long[0], 64)).isEmpty();
        assertThatThrownBy(() -> ResidentMemory.alignedStarts(new long[] {1}, 48))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("power of two");
    }

    @Test
    void tensorsLandOnPageBoundariesWithTheirBytes() throws IOException {
        // Odd sizes, so that in the file (data after an 8-byte length and a padded header) most tensors start
        // off a cache line.
        List<SafetensorsWriter.Spec> specs = List.of(
                new SafetensorsWriter.Spec("a.weight", DType.BF16, new long[] {3, 7}),
                new SafetensorsWriter.Spec("b.blocks", DType.U8, new long[] {5, 13}),
                new SafetensorsWriter.Spec("c.empty", DType.F32, new long[] {0}),
                new SafetensorsWriter.Spec("d.scales", DType.U8, new long[] {4099}),
                new SafetensorsWriter.Spec("e.bias", DType.F32, new long[] {9}));
        Path file = tmp.resolve("model.safetensors");
        SafetensorsWriter.write(file, specs, (spec, sink) -> {
            byte[] bytes = new byte[(int) spec.byteSize()];
            for (int i = 0; i < bytes.length; i++) {
                bytes[i] = (byte) (spec.name().hashCode() * 31 + i * 7);
            }
            sink.accept(ByteBuffer.wrap(bytes));
        });
        try (Arena mapArena = Arena.ofShared(); Arena copyArena = Arena.ofShared()) {
            SafetensorsFile mapped = SafetensorsFile.open(file, mapArena);
            assertThat(mapped.tensors().values()).anyMatch(t -> t.data().address() % 64 != 0);

            SafetensorsFile copy = mapped.residentCopy(copyArena);
            assertThat(copy.tensors().keySet()).containsExactlyElementsOf(mapped.tensors().keySet());
            assertThat(copy.fileSize()).isEqualTo(mapped.fileSize());
            assertThat(copy.path()).isEqualTo(file);
            for (Map.Entry<String, TensorInfo> e : copy.tensors().entrySet()) {
                TensorInfo original = mapped.tensors().get(e.getKey());
                TensorInfo copied = e.getValue();
                assertThat(copied.data().address() % SafetensorsFile.RESIDENT_ALIGNMENT).as(e.getKey()).isZero();
                assertThat(copied.data().isReadOnly()).isTrue();
                assertThat(copied.dtype()).isEqualTo(original.dtype());
                assertThat(copied.shape()).isEqualTo(original.shape());
                assertThat(copied.data().byteSize()).isEqualTo(original.data().byteSize());
                assertThat(copied.data().mismatch(original.data())).as(e.getKey()).isEqualTo(-1L);
                assertThat(copied.data().address()).isNotEqualTo(original.data().address());
            }
        }
    }

    @Test
    void copiesOfAShrinkingFileFailWithTheFileNamed() throws IOException {
        Path file = tmp.resolve("short.bin");
        java.nio.file.Files.write(file, new byte[100]);
        try (Arena arena = Arena.ofConfined()) {
            assertThatThrownBy(() -> ResidentMemory.copyRanges(file, new long[] {0, 90}, new long[] {10, 20}, 64,
                    arena)).isInstanceOf(IOException.class).hasMessageContaining(file.toString())
                    .hasMessageContaining("shrank");
        }
    }

    @Test
    void copiedRangesHoldTheFileBytes() throws IOException {
        Path file = tmp.resolve("bytes.bin");
        byte[] bytes = new byte[300];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) i;
        }
        java.nio.file.Files.write(file, bytes);
        try (Arena arena = Arena.ofConfined()) {
            ResidentMemory.Copy copy = ResidentMemory.copyRanges(file, new long[] {7, 0, 299}, new long[] {100, 3, 1},
                    128, arena);
            assertThat(copy.starts()).containsExactly(0, 128, 256);
            MemorySegment m = copy.memory();
            assertThat(m.isReadOnly()).isTrue();
            assertThat(m.asSlice(0, 100).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE))
                    .isEqualTo(java.util.Arrays.copyOfRange(bytes, 7, 107));
            assertThat(m.asSlice(128, 3).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE))
                    .isEqualTo(java.util.Arrays.copyOfRange(bytes, 0, 3));
            assertThat(m.get(java.lang.foreign.ValueLayout.JAVA_BYTE, 256)).isEqualTo((byte) 299);
        }
    }
}
