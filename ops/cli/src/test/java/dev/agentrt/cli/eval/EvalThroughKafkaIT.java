package dev.agentrt.cli.eval;

import static dev.agentrt.cli.eval.EvalScripts.ALL_TOOLS;
import static dev.agentrt.cli.eval.EvalScripts.line;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentrt.cli.demo.LocalStack;
import dev.agentrt.worker.testing.ScriptedHarmonyEngine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code agentrt eval --through-kafka}: the cases go through the real loop on the embedded broker (orchestrator with
 * exactly-once, worker, tool executor) with the scripted engine in the worker, and score exactly as in process —
 * on byte-identical prompts.
 */
class EvalThroughKafkaIT {

    @TempDir Path dir;

    /** A scripted engine that records the text of every prompt it is given. */
    private static LocalStack.EngineFactory recording(List<String> prompts) {
        return (model, closeLater) -> new ScriptedHarmonyEngine(prompt -> {
            prompts.add(prompt.text());
            return EvalScripts.respond(prompt);
        });
    }

    @Test
    void casesRunThroughTheRealLoopAndScoreAsInProcess() throws Exception {
        Path cases = Files.writeString(dir.resolve("cases.jsonl"), String.join("\n",
            line("mul", "calc 17.5 * 23", ALL_TOOLS, "\"calculator\"", "{\"expression\":\"17.5 * 23\"}", "402\\.5"),
            line("units", "call functions.convert_units {\"value\":2,\"from\":\"km\",\"to\":\"m\"}",
                "[\"unit_converter\"]", "\"unit_converter\"", "{\"value\":2.0,\"from\":\"km\"}", "2000"),
            line("paris", "answer Paris.", "[]", null, null, "Paris"),
            line("lazy", "answer About 400.", ALL_TOOLS, "\"calculator\"", null, "402\\.5"),
            line("think", "think", ALL_TOOLS, null, null, "x"),
            line("garbage", "garbage", ALL_TOOLS, null, null, "x")) + "\n");
        var kafkaPrompts = Collections.synchronizedList(new ArrayList<String>());
        var directPrompts = Collections.synchronizedList(new ArrayList<String>());

        var kafka = EvalCommandTest.run(recording(kafkaPrompts), "eval", "--model", dir.toString(), "--cases",
            cases.toString(), "--through-kafka", "--json", "--max-turns", "3", "--timeout", "PT1M");
        var direct = EvalCommandTest.run(recording(directPrompts), "eval", "--model", dir.toString(), "--cases",
            cases.toString(), "--json", "--max-turns", "3", "--timeout", "PT1M");

        assertThat(kafka.exit()).as(kafka.err()).isZero();
        assertThat(direct.exit()).as(direct.err()).isZero();
        assertThat(kafka.err()).contains("starting the Kafka broker").contains("[6/6] ");
        var mapper = new ObjectMapper();
        JsonNode k = mapper.readTree(kafka.out());
        JsonNode d = mapper.readTree(direct.out());
        assertThat(k.get("mode").asText()).isEqualTo("kafka");
        assertThat(d.get("mode").asText()).isEqualTo("direct");

        JsonNode totals = k.get("totals");
        assertThat(totals.get("cases").asInt()).isEqualTo(6);
        assertThat(totals.get("succeeded").asInt()).isEqualTo(3);
        assertThat(totals.get("tool_and_args_correct").asInt()).isEqualTo(5);
        assertThat(totals.get("final_correct").asInt()).isEqualTo(3);
        assertThat(totals.get("failure_kinds").toString()).isEqualTo(
            "{\"no_tool_call\":1,\"no_final\":2,\"final_mismatch\":1,\"turn_limit\":1,\"harmony_error\":1}");

        for (int i = 0; i < 6; i++) {
            JsonNode kc = k.get("cases").get(i);
            JsonNode dc = d.get("cases").get(i);
            for (String field : List.of("id", "success", "tool_ok", "args_ok", "final_ok", "status", "failures",
                "tool_calls", "final", "turns", "prompt_tokens", "generated_tokens")) {
                assertThat(kc.get(field)).as(kc.get("id") + " " + field).isEqualTo(dc.get(field));
            }
        }
        JsonNode mul = k.get("cases").get(0);
        assertThat(mul.get("success").asBoolean()).as(mul.get("reason").asText()).isTrue();
        assertThat(mul.get("final").asText()).isEqualTo("17.5 * 23 = 402.5");
        assertThat(k.get("cases").get(5).get("status").asText()).isEqualTo("WORKER_ERROR");

        // The worker on Kafka and the in-process runner rendered the very same prompts, byte for byte.
        assertThat(kafkaPrompts).hasSize(directPrompts.size());
        assertThat(new ArrayList<>(kafkaPrompts)).containsExactlyInAnyOrderElementsOf(directPrompts);
        assertThat(kafkaPrompts).anySatisfy(p -> assertThat(p)
            .contains("<|start|>functions.calculate to=assistant<|channel|>commentary<|message|>{\"expression\":\"17.5 * 23\",\"result\":402.5}<|end|>"));
    }
}
