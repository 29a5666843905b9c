package dev.agentrt.demomodel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentrt.engine.cpu.CpuEngine;
import dev.agentrt.generate.Generator;
import dev.agentrt.generate.Sampler;
import dev.agentrt.generate.SamplingParams;
import dev.agentrt.generate.StopTokens;
import dev.agentrt.model.Checkpoint;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bundled checkpoint in the Java CPU engine reproduces the trainer's spec-equation reference (train.py
 * {@code reference_logits}, float64 on the exported weights): logits of one prompt and the greedy continuation.
 */
class ParityTest {

    @Test
    void javaEngineMatchesTheTrainersReference(@TempDir Path root) throws Exception {
        JsonNode fx;
        try (InputStream in = ParityTest.class.getResourceAsStream("parity-fixture.json")) {
            fx = new ObjectMapper().readTree(in);
        }
        assertThat(fx.get("weights_sha256").asText()).as("the fixture belongs to the bundled weights")
            .isEqualTo(DemoModel.manifest().get("model.safetensors"));
        int[] prompt = ints(fx.get("prompt"));
        try (Checkpoint ckpt = Checkpoint.open(DemoModel.unpackInto(root));
             CpuEngine engine = new CpuEngine(ckpt.weights())) {
            float[] logits = new float[engine.config().vocabSize()];
            engine.prefill(engine.newCache(prompt.length), prompt, logits);
            // fp32 engine vs fp64 reference (gpt-oss-model.md §6.6): ~1e-5 relative; logits here reach ~30.
            var it = fx.get("logits").properties().iterator();
            while (it.hasNext()) {
                var e = it.next();
                assertThat((double) logits[Integer.parseInt(e.getKey())]).as("logit of %s", e.getKey())
                    .isCloseTo(e.getValue().asDouble(), within(2e-3));
            }
            double max = Double.NEGATIVE_INFINITY, sum = 0;
            for (float v : logits) max = Math.max(max, v);
            for (float v : logits) sum += Math.exp(v - max);
            assertThat(max).isCloseTo(fx.get("max").asDouble(), within(2e-3));
            assertThat(max + Math.log(sum)).isCloseTo(fx.get("logsumexp").asDouble(), within(2e-3));

            int[] greedy = ints(fx.get("greedy"));
            Generator.Result r = new Generator(engine, StopTokens.HARMONY).generate(prompt, greedy.length,
                new Sampler(SamplingParams.greedy(), engine.config().vocabSize()), t -> { });
            assertThat(r.tokens()).containsExactly(greedy);
        }
    }

    static int[] ints(JsonNode array) {
        List<Integer> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asInt()));
        return out.stream().mapToInt(Integer::intValue).toArray();
    }
}
