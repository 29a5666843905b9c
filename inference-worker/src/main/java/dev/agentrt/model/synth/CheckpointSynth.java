package dev.agentrt.model.synth;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentrt.model.Bf16;
import dev.agentrt.model.CheckpointLayout;
import dev.agentrt.model.GptOssConfig;
import dev.agentrt.model.Mxfp4;
import dev.agentrt.model.SafetensorsWriter;
import dev.agentrt.model.SafetensorsWriter.Spec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;

/**
 * Writes synthetic gpt-oss checkpoints of exact real shapes. Tiny presets follow spec §12.2 byte for byte
 * (original layout: one {@code model.safetensors}); the HF layout is the §12.4 twin (same values, renamed and
 * split). Large presets use the same generator but draw eight MXFP4 block bytes per stream element, so that 13 GB
 * are written in reasonable time; they are streamed in 1 MiB chunks and never held in memory.
 */
public final class CheckpointSynth {
    /** HF shards are cut at this size, like the official 20b upload (3 shards). */
    static final long HF_SHARD_BYTES = 5L << 30;
    private static final int CHUNK = 1 << 20;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** An HF tensor: a contiguous element range of an original tensor under a new name and shape. */
    private record HfTensor(String name, SynthTensor source, long firstElement, long[] shape) {
    }

    private final SynthPreset preset;
    private final GptOssConfig config;
    private final List<SynthTensor> original;

    public CheckpointSynth(SynthPreset preset) {
        this.preset = preset;
        this.config = preset.config();
        this.original = originalTensors(config);
    }

    /** Total bytes of tensor data (what the progress listener counts up to). */
    public long dataBytes() {
        return original.stream().mapToLong(t -> spec(t).byteSize()).sum();
    }

    /**
     * Writes config.json and the safetensors file(s) into {@code dir} (created if needed); {@code progress} receives
     * the running count of tensor bytes written.
     */
    public void write(Path dir, CheckpointLayout layout, LongConsumer progress) throws IOException {
        Files.createDirectories(dir);
        long[] written = {0};
        if (layout == CheckpointLayout.ORIGINAL) {
            Files.writeString(dir.resolve("config.json"), JSON.writerWithDefaultPrettyPrinter()
                    .writeValueAsString(config.toOriginalJson()));
            Map<String, SynthTensor> byName = new HashMap<>();
            original.forEach(t -> byName.put(t.name(), t));
            SafetensorsWriter.write(dir.resolve("model.safetensors"), original.stream().map(CheckpointSynth::spec).toList(),
                    (spec, sink) -> generate(byName.get(spec.name()), 0, spec.byteSize(), sink, written, progress));
            return;
        }
        Files.writeString(dir.resolve("config.json"), JSON.writerWithDefaultPrettyPrinter()
                .writeValueAsString(config.toHuggingFaceJson()));
        List<HfTensor> hf = hfTensors();
        Map<String, HfTensor> byName = new HashMap<>();
        hf.forEach(t -> byName.put(t.name(), t));
        List<List<Spec>> shards = shard(SafetensorsWriter.fileOrder(hf.stream().map(CheckpointSynth::spec).toList()));
        ObjectNode index = JSON.createObjectNode();
        index.putObject("metadata").put("total_size", dataBytes());
        ObjectNode weightMap = index.putObject("weight_map");
        for (int i = 0; i < shards.size(); i++) {
            String file = String.format("model-%05d-of-%05d.safetensors", i, shards.size() - 1);
            shards.get(i).forEach(s -> weightMap.put(s.name(), file));
            SafetensorsWriter.write(dir.resolve(file), shards.get(i), (spec, sink) -> {
                HfTensor t = byName.get(spec.name());
                long first = t.firstElement() * t.source().dtype().bytes();
                generate(t.source(), first, spec.byteSize(), sink, written, progress);
            });
        }
        Files.writeString(dir.resolve("model.safetensors.index.json"),
                JSON.writerWithDefaultPrettyPrinter().writeValueAsString(index));
    }

    private static List<List<Spec>> shard(List<Spec> specs) {
        List<List<Spec>> shards = new ArrayList<>();
        List<Spec> current = new ArrayList<>();
        long size = 0;
        for (Spec s : specs) {
            if (!current.isEmpty() && size + s.byteSize() > HF_SHARD_BYTES) {
                shards.add(current);
                current = new ArrayList<>();
                size = 0;
            }
            current.add(s);
            size += s.byteSize();
        }
        shards.add(current);
        return shards;
    }

    private static Spec spec(SynthTensor t) {
        return new Spec(t.name(), t.dtype(), t.shape());
    }

    private static Spec spec(HfTensor t) {
        return new Spec(t.name(), t.source().dtype(), t.shape());
    }

    /** Streams bytes {@code [firstByte, firstByte+byteCount)} of tensor {@code t} into {@code sink}. */
    private void generate(SynthTensor t, long firstByte, long byteCount, SafetensorsWriter.ChunkSink sink,
                          long[] written, LongConsumer progress) throws IOException {
        ByteBuffer buf = ByteBuffer.allocateDirect(CHUNK).order(ByteOrder.LITTLE_ENDIAN);
        long seed = SplitMix64.fnv1a64(t.name());
        int elementBytes = t.dtype().bytes();
        long pos = firstByte;
        long end = firstByte + byteCount;
        while (pos < end) {
            buf.clear();
            int n = (int) Math.min(CHUNK, end - pos);
            buf.limit(n);
            switch (t.kind()) {
                case FLOAT -> {
                    for (long k = pos / elementBytes; buf.hasRemaining(); k++) {
                        float v = SplitMix64.uniform(SplitMix64.element(seed, k + 1), t.scale(), t.offset());
                        buf.putShort(Bf16.fromFloat(v));
                    }
                }
                case FP4_BLOCKS -> {
                    if (preset.deterministic()) {
                        for (long k = pos; buf.hasRemaining(); k++) {
                            buf.put((byte) SplitMix64.element(seed, k + 1));
                        }
                    } else {
                        // Eight random bytes per stream element; chunk boundaries are multiples of 8.
                        for (long k = pos / 8; buf.remaining() >= 8; k++) {
                            buf.putLong(SplitMix64.element(seed, k + 1));
                        }
                    }
                }
                case E8M0_SCALES -> {
                    for (long k = pos; buf.hasRemaining(); k++) {
                        buf.put((byte) (120 + Long.remainderUnsigned(SplitMix64.element(seed, k + 1), 4)));
                    }
                }
            }
            buf.flip();
            sink.accept(buf);
            pos += n;
            written[0] += n;
            progress.accept(written[0]);
        }
    }

    /** The original-layout tensors of spec §3 with the §12.2 distributions (scale 1/√in for matrices). */
    static List<SynthTensor> originalTensors(GptOssConfig c) {
        long v = c.vocabSize();
        long d = c.hiddenSize();
        long e = c.numExperts();
        long i2 = 2L * c.intermediateSize();
        long qkv = c.qkvRows();
        long attn = (long) c.numAttentionHeads() * c.headDim();
        double inv = 1 / Math.sqrt(d);
        List<SynthTensor> list = new ArrayList<>();
        list.add(SynthTensor.floats("embedding.weight", 1.0, 0, v, d));
        for (int n = 0; n < c.numHiddenLayers(); n++) {
            String b = "block." + n + ".";
            list.add(SynthTensor.floats(b + "attn.norm.scale", 0.1, 1.0, d));
            list.add(SynthTensor.floats(b + "attn.qkv.weight", inv, 0, qkv, d));
            list.add(SynthTensor.floats(b + "attn.qkv.bias", 0.1, 0, qkv));
            list.add(SynthTensor.floats(b + "attn.sinks", 1.0, 0, c.numAttentionHeads()));
            list.add(SynthTensor.floats(b + "attn.out.weight", 1 / Math.sqrt(attn), 0, d, attn));
            list.add(SynthTensor.floats(b + "attn.out.bias", 0.1, 0, d));
            list.add(SynthTensor.floats(b + "mlp.norm.scale", 0.1, 1.0, d));
            list.add(SynthTensor.floats(b + "mlp.gate.weight", inv, 0, e, d));
            list.add(SynthTensor.floats(b + "mlp.gate.bias", 0.1, 0, e));
            list.add(SynthTensor.blocks(b + "mlp.mlp1_weight.blocks", e, i2, d / Mxfp4.GROUP, Mxfp4.GROUP_BYTES));
            list.add(SynthTensor.scales(b + "mlp.mlp1_weight.scales", e, i2, d / Mxfp4.GROUP));
            list.add(SynthTensor.floats(b + "mlp.mlp1_bias", 0.1, 0, e, i2));
            long in2 = c.intermediateSize();
            list.add(SynthTensor.blocks(b + "mlp.mlp2_weight.blocks", e, d, in2 / Mxfp4.GROUP, Mxfp4.GROUP_BYTES));
            list.add(SynthTensor.scales(b + "mlp.mlp2_weight.scales", e, d, in2 / Mxfp4.GROUP));
            list.add(SynthTensor.floats(b + "mlp.mlp2_bias", 0.1, 0, e, d));
        }
        list.add(SynthTensor.floats("norm.scale", 0.1, 1.0, d));
        list.add(SynthTensor.floats("unembedding.weight", inv, 0, v, d));
        return list;
    }

    /** The HF names of spec §4 / §12.4, each a range of an original tensor (qkv split into q/k/v). */
    private List<HfTensor> hfTensors() {
        Map<String, SynthTensor> o = new LinkedHashMap<>();
        original.forEach(t -> o.put(t.name(), t));
        GptOssConfig c = config;
        long d = c.hiddenSize();
        long qRows = (long) c.numAttentionHeads() * c.headDim();
        long kvRows = (long) c.numKeyValueHeads() * c.headDim();
        List<HfTensor> list = new ArrayList<>();
        list.add(whole("model.embed_tokens.weight", o.get("embedding.weight")));
        for (int n = 0; n < c.numHiddenLayers(); n++) {
            String b = "block." + n + ".";
            String h = "model.layers." + n + ".";
            list.add(whole(h + "input_layernorm.weight", o.get(b + "attn.norm.scale")));
            SynthTensor w = o.get(b + "attn.qkv.weight");
            SynthTensor bias = o.get(b + "attn.qkv.bias");
            list.add(new HfTensor(h + "self_attn.q_proj.weight", w, 0, new long[] {qRows, d}));
            list.add(new HfTensor(h + "self_attn.k_proj.weight", w, qRows * d, new long[] {kvRows, d}));
            list.add(new HfTensor(h + "self_attn.v_proj.weight", w, (qRows + kvRows) * d, new long[] {kvRows, d}));
            list.add(new HfTensor(h + "self_attn.q_proj.bias", bias, 0, new long[] {qRows}));
            list.add(new HfTensor(h + "self_attn.k_proj.bias", bias, qRows, new long[] {kvRows}));
            list.add(new HfTensor(h + "self_attn.v_proj.bias", bias, qRows + kvRows, new long[] {kvRows}));
            list.add(whole(h + "self_attn.o_proj.weight", o.get(b + "attn.out.weight")));
            list.add(whole(h + "self_attn.o_proj.bias", o.get(b + "attn.out.bias")));
            list.add(whole(h + "self_attn.sinks", o.get(b + "attn.sinks")));
            list.add(whole(h + "post_attention_layernorm.weight", o.get(b + "mlp.norm.scale")));
            list.add(whole(h + "mlp.router.weight", o.get(b + "mlp.gate.weight")));
            list.add(whole(h + "mlp.router.bias", o.get(b + "mlp.gate.bias")));
            list.add(whole(h + "mlp.experts.gate_up_proj_blocks", o.get(b + "mlp.mlp1_weight.blocks")));
            list.add(whole(h + "mlp.experts.gate_up_proj_scales", o.get(b + "mlp.mlp1_weight.scales")));
            list.add(whole(h + "mlp.experts.gate_up_proj_bias", o.get(b + "mlp.mlp1_bias")));
            list.add(whole(h + "mlp.experts.down_proj_blocks", o.get(b + "mlp.mlp2_weight.blocks")));
            list.add(whole(h + "mlp.experts.down_proj_scales", o.get(b + "mlp.mlp2_weight.scales")));
            list.add(whole(h + "mlp.experts.down_proj_bias", o.get(b + "mlp.mlp2_bias")));
        }
        list.add(whole("model.norm.weight", o.get("norm.scale")));
        list.add(whole("lm_head.weight", o.get("unembedding.weight")));
        return list;
    }

    private static HfTensor whole(String name, SynthTensor source) {
        return new HfTensor(name, source, 0, source.shape());
    }
}
