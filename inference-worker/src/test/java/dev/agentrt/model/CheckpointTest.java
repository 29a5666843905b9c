package dev.agentrt.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentrt.model.synth.SynthPreset;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path tmp;
    static Path original;
    static Path hf;

    @BeforeAll
    static void synth() {
        original = TinyCheckpoints.write(SynthPreset.TINY_1K, CheckpointLayout.ORIGINAL, tmp.resolve("original"));
        hf = TinyCheckpoints.write(SynthPreset.TINY_1K, CheckpointLayout.HF, tmp.resolve("hf"));
    }

    @Test
    void loadsOriginalLayout() {
        try (Checkpoint ckpt = Checkpoint.open(original)) {
            assertThat(ckpt.layout()).isEqualTo(CheckpointLayout.ORIGINAL);
            assertThat(ckpt.tensors()).hasSize(15 * 2 + 3);
            assertThat(ckpt.config()).isEqualTo(SynthPreset.TINY_1K.config());
            ModelWeights w = ckpt.weights();
            assertThat(w.layers()).hasSize(2);
            assertThat(w.layers().get(0).mlp1()).isInstanceOf(ExpertWeights.Mxfp4Experts.class);
            assertThat(w.layers().get(0).q().rows()).isEqualTo(64);
            assertThat(w.layers().get(0).k().rows()).isEqualTo(32);
        }
    }

    @Test
    void hfTwinHasSameConfigAndSameValues() {
        try (Checkpoint o = Checkpoint.open(original); Checkpoint h = Checkpoint.open(hf)) {
            assertThat(h.layout()).isEqualTo(CheckpointLayout.HF);
            assertThat(h.tensors()).hasSize(19 * 2 + 3);
            assertThat(h.config()).isEqualTo(o.config());
            LayerWeights lo = o.weights().layers().get(1);
            LayerWeights lh = h.weights().layers().get(1);
            assertThat(lh.v().data().mismatch(lo.v().data())).isEqualTo(-1);
            assertThat(lh.kBias()).containsExactly(lo.kBias());
            var bo = (ExpertWeights.Mxfp4Experts) lo.mlp2();
            var bh = (ExpertWeights.Mxfp4Experts) lh.mlp2();
            assertThat(bh.blocks().mismatch(bo.blocks())).isEqualTo(-1);
        }
    }

    @Test
    void hfConfigMapsToOriginalFields() throws IOException {
        GptOssConfig c = GptOssConfig.read(hf.resolve("config.json"));
        assertThat(c.numExperts()).isEqualTo(4);
        assertThat(c.ropeNtkAlpha()).isEqualTo(1f);
        assertThat(c.ropeNtkBeta()).isEqualTo(32f);
        assertThat(c.slidingLayers()).containsExactly(true, false);
        ObjectNode withParameters = (ObjectNode) JSON.readTree(Files.readString(hf.resolve("config.json")));
        ObjectNode rope = (ObjectNode) withParameters.remove("rope_scaling");
        rope.put("rope_theta", withParameters.remove("rope_theta").asDouble());
        withParameters.set("rope_parameters", rope);
        assertThat(GptOssConfig.fromHuggingFace(withParameters, "x")).isEqualTo(c);
    }

    @Test
    void mxfp4DecodesTheSpecExample() {
        // Spec §5: byte 0x2B with scale 126 -> [-0.75, +0.5].
        assertThat(Mxfp4.decodeByte(0x2B, 126)).containsExactly(-0.75f, 0.5f);
        assertThat(Mxfp4.scale(126) * Mxfp4.FP4_VALUES[0xB]).isEqualTo(-0.75f);
    }

    @Test
    void missingTensorIsNamed() throws IOException {
        Path dir = copyWithHeaderEdit("missing", "block.1.attn.sinks", "block.1.attn.sinkz");
        try (Checkpoint ckpt = Checkpoint.open(dir)) {
            assertThatThrownBy(ckpt::weights).isInstanceOf(CheckpointException.class)
                    .hasMessageContaining("missing tensor 'block.1.attn.sinks'");
        }
    }

    @Test
    void wrongShapeIsNamed() throws IOException {
        // [4] -> [2,2]: same byte size, so only the shape check can catch it.
        Path dir = copyWithHeaderEdit("shape", "\"block.0.attn.sinks\":{\"dtype\":\"BF16\",\"shape\":[4]",
                "\"block.0.attn.sinks\":{\"dtype\":\"BF16\",\"shape\":[2,2]");
        try (Checkpoint ckpt = Checkpoint.open(dir)) {
            assertThatThrownBy(ckpt::weights).isInstanceOf(CheckpointException.class)
                    .hasMessageContaining("model.safetensors").hasMessageContaining("'block.0.attn.sinks'")
                    .hasMessageContaining("shape [2, 2], expected [4]");
        }
    }

    @Test
    void wrongDtypeIsNamed() throws IOException {
        Path dir = copyWithHeaderEdit("dtype", "\"block.0.attn.sinks\":{\"dtype\":\"BF16\",\"shape\":[4]",
                "\"block.0.attn.sinks\":{\"dtype\":\"F16\",\"shape\":[4]");
        try (Checkpoint ckpt = Checkpoint.open(dir)) {
            assertThatThrownBy(ckpt::weights).isInstanceOf(CheckpointException.class)
                    .hasMessageContaining("'block.0.attn.sinks' has dtype F16, expected BF16");
        }
    }

    @Test
    void inconsistentSizeIsRejected() throws IOException {
        Path dir = copyWithHeaderEdit("size", "\"block.0.attn.sinks\":{\"dtype\":\"BF16\",\"shape\":[4]",
                "\"block.0.attn.sinks\":{\"dtype\":\"BF16\",\"shape\":[5]");
        assertThatThrownBy(() -> Checkpoint.open(dir)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining("'block.0.attn.sinks' has 8 bytes but dtype BF16 and shape [5] need 10");
    }

    @Test
    void truncatedFileIsRejected() throws IOException {
        Path dir = copy("truncated");
        try (FileChannel ch = FileChannel.open(dir.resolve("model.safetensors"), StandardOpenOption.WRITE)) {
            ch.truncate(ch.size() - 100);
        }
        assertThatThrownBy(() -> Checkpoint.open(dir)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining("model.safetensors").hasMessageContaining("'unembedding.weight'")
                .hasMessageContaining("truncated");
    }

    @Test
    void unsupportedConfigValueIsRejected() throws IOException {
        Path dir = copy("config");
        ObjectNode cfg = (ObjectNode) JSON.readTree(Files.readString(dir.resolve("config.json")));
        cfg.put("hidden_size", 60);
        Files.writeString(dir.resolve("config.json"), cfg.toString());
        assertThatThrownBy(() -> Checkpoint.open(dir)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining("config.json").hasMessageContaining("multiples of 32");
        cfg.put("hidden_size", 64).put("bogus", 1);
        Files.writeString(dir.resolve("config.json"), cfg.toString());
        assertThatThrownBy(() -> Checkpoint.open(dir)).hasMessageContaining("unknown key 'bogus'");
    }

    @Test
    void hfIndexMustMatchShards() throws IOException {
        Path dir = tmp.resolve("hf-bad-index");
        Files.createDirectories(dir);
        for (Path p : Files.list(hf).toList()) {
            Files.copy(p, dir.resolve(p.getFileName()));
        }
        Path index = dir.resolve("model.safetensors.index.json");
        ObjectNode idx = (ObjectNode) JSON.readTree(Files.readString(index));
        ((ObjectNode) idx.get("weight_map")).put("model.layers.0.mlp.router.extra", "model-00000-of-00000.safetensors");
        Files.writeString(index, idx.toString());
        assertThatThrownBy(() -> Checkpoint.open(dir)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining("'model.layers.0.mlp.router.extra'").hasMessageContaining("in no shard");
    }

    @Test
    void writerPadsHeaderAndReaderRoundTrips() throws IOException {
        Path file = tmp.resolve("rt.safetensors");
        SafetensorsWriter.write(file, List.of(new SafetensorsWriter.Spec("b", DType.F32, new long[] {2}),
                new SafetensorsWriter.Spec("a", DType.U8, new long[] {3})), (spec, sink) ->
                sink.accept(java.nio.ByteBuffer.allocate((int) spec.byteSize())));
        try (var arena = java.lang.foreign.Arena.ofConfined()) {
            SafetensorsFile f = SafetensorsFile.open(file, arena);
            assertThat(f.tensors().keySet()).containsExactly("a", "b");
            assertThat(f.tensors().get("b").data().byteSize()).isEqualTo(8);
        }
        assertThat(SafetensorsWriter.header(List.of(new SafetensorsWriter.Spec("x", DType.U8, new long[] {1})))
                .length % 8).isZero();
    }

    private static Path copy(String name) throws IOException {
        Path dir = tmp.resolve(name);
        Files.createDirectories(dir);
        Files.copy(original.resolve("config.json"), dir.resolve("config.json"));
        Files.copy(original.resolve("model.safetensors"), dir.resolve("model.safetensors"));
        return dir;
    }

    /** Copies the tiny checkpoint, replacing {@code from} by {@code to} in the header JSON (rewritten, re-padded). */
    private static Path copyWithHeaderEdit(String name, String from, String to) throws IOException {
        Path dir = copy(name);
        Path file = dir.resolve("model.safetensors");
        byte[] bytes = Files.readAllBytes(file);
        int n = (int) java.nio.ByteBuffer.wrap(bytes, 0, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
        String header = new String(bytes, 8, n, java.nio.charset.StandardCharsets.UTF_8);
        assertThat(header).contains(from);
        byte[] edited = header.strip().replace(from, to).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        java.nio.ByteBuffer out = java.nio.ByteBuffer.allocate(8 + edited.length + bytes.length - 8 - n)
                .order(java.nio.ByteOrder.LITTLE_ENDIAN);
        out.putLong(edited.length).put(edited).put(bytes, 8 + n, bytes.length - 8 - n);
        Files.write(file, out.array());
        return dir;
    }
}
