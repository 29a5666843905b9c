package dev.agentrt.engine.cpu;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentrt.model.Bf16;
import dev.agentrt.model.Checkpoint;
import dev.agentrt.model.CheckpointLayout;
import dev.agentrt.model.DType;
import dev.agentrt.model.ExpertWeights;
import dev.agentrt.model.Mxfp4;
import dev.agentrt.model.SafetensorsWriter;
import dev.agentrt.model.TensorInfo;
import dev.agentrt.model.TinyCheckpoints;
import dev.agentrt.model.synth.SynthPreset;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checkpoints whose experts are stored dequantized in BF16 (original: {@code [E, out, in]}; HF export:
 * transposed {@code [E, in, out]}) load and give the same logits as the MXFP4 original (the dequantization is exact).
 */
class Bf16ExpertsTest {
    @TempDir
    Path tmp;

    @Test
    void bf16ExpertsGiveTheSameLogitsInBothLayouts() throws IOException {
        int[] prompt = ReferenceLogitsTest.PROMPT_1K;
        Path original = TinyCheckpoints.write(SynthPreset.TINY_1K, CheckpointLayout.ORIGINAL, tmp.resolve("o"));
        Path hf = TinyCheckpoints.write(SynthPreset.TINY_1K, CheckpointLayout.HF, tmp.resolve("h"));
        float[] expected;
        try (Checkpoint c = Checkpoint.open(original); CpuEngine e = new CpuEngine(c.weights())) {
            expected = e.logitsAll(prompt)[prompt.length - 1];
        }
        Path originalBf16 = dequantized(original, tmp.resolve("o16"), false);
        Path hfBf16 = dequantized(hf, tmp.resolve("h16"), true);
        for (Path dir : List.of(originalBf16, hfBf16)) {
            try (Checkpoint c = Checkpoint.open(dir); CpuEngine e = new CpuEngine(c.weights())) {
                assertThat(c.weights().layers().get(0).mlp1()).isInstanceOf(ExpertWeights.Bf16Experts.class);
                DecodeConsistencyTest.assertNear(e.logitsAll(prompt)[prompt.length - 1], expected);
            }
        }
    }

    /** Rewrites a checkpoint with every MXFP4 expert tensor pair replaced by its BF16 dequantization. */
    private static Path dequantized(Path from, Path to, boolean hf) throws IOException {
        Files.createDirectories(to);
        Files.copy(from.resolve("config.json"), to.resolve("config.json"));
        try (Checkpoint c = Checkpoint.open(from)) {
            List<SafetensorsWriter.Spec> specs = new ArrayList<>();
            Map<String, ByteBuffer> data = new HashMap<>();
            for (TensorInfo t : c.tensors().values()) {
                String n = t.name();
                boolean blocks = n.endsWith(".blocks") || n.endsWith("_blocks");
                if (n.endsWith(".scales") || n.endsWith("_scales")) {
                    continue;
                }
                if (!blocks) {
                    specs.add(new SafetensorsWriter.Spec(n, t.dtype(), t.shape()));
                    data.put(n, t.data().asByteBuffer());
                    continue;
                }
                String base = n.substring(0, n.length() - ".blocks".length());
                TensorInfo scales = c.tensor(base + (hf ? "_scales" : ".scales"));
                int e = (int) t.shape()[0];
                int rows = (int) t.shape()[1];
                int cols = (int) t.shape()[2] * Mxfp4.GROUP;
                ByteBuffer out = ByteBuffer.allocate(e * rows * cols * 2).order(ByteOrder.LITTLE_ENDIAN);
                float[] row = new float[cols];
                for (int x = 0; x < e; x++) {
                    for (int r = 0; r < rows; r++) {
                        long idx = (long) x * rows + r;
                        Mxfp4.dequantizeRow(t.data(), idx * cols / 2, scales.data(), idx * cols / Mxfp4.GROUP, cols, row, 0);
                        for (int k = 0; k < cols; k++) {
                            // original: [E, rows, cols]; HF export: [E, cols, rows]
                            long at = hf ? ((long) x * cols + k) * rows + r : idx * cols + k;
                            out.putShort((int) (at * 2), Bf16.fromFloat(row[k]));
                        }
                    }
                }
                long[] shape = hf ? new long[] {e, cols, rows} : new long[] {e, rows, cols};
                specs.add(new SafetensorsWriter.Spec(base, DType.BF16, shape));
                data.put(base, out);
            }
            SafetensorsWriter.write(to.resolve("model.safetensors"), specs,
                    (spec, sink) -> sink.accept(data.get(spec.name()).duplicate().clear()));
        }
        return to;
    }

}
