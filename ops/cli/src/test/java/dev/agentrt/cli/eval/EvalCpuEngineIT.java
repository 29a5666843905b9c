package dev.agentrt.cli.eval;

import static dev.agentrt.cli.eval.EvalScripts.ALL_TOOLS;
import static dev.agentrt.cli.eval.EvalScripts.line;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentrt.model.CheckpointLayout;
import dev.agentrt.model.synth.CheckpointSynth;
import dev.agentrt.model.synth.SynthPreset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code agentrt eval} on the REAL CPU engine with the deterministic, untrained tiny-full checkpoint: it cannot
 * answer, so this only shows that real decoding runs through the evaluation to a clean report of failures, and
 * that greedy decoding on fixed weights makes it reproducible. Runs in the C2 test JVM with CpuEngineLoopIT.
 */
class EvalCpuEngineIT {

    @TempDir static Path dir;
    private static Path model;
    private static Path cases;

    @BeforeAll
    static void synth() throws Exception {
        model = dir.resolve("tiny-full");
        new CheckpointSynth(SynthPreset.parse("tiny-full")).write(model, CheckpointLayout.ORIGINAL, bytes -> { });
        cases = Files.writeString(dir.resolve("cases.jsonl"), String.join("\n",
            line("calc", "What is 17.5 multiplied by 23? Use the calculator.", ALL_TOOLS, "\"calculator\"",
                "{\"expression\":\"17.5 * 23\"}", "402\\.5"),
            line("plain", "What is the capital of France?", "[]", null, null, "Paris")) + "\n");
    }

    private static JsonNode eval() throws Exception {
        var r = EvalCommandTest.run(null, "eval", "--model", model.toString(), "--cases", cases.toString(), "--json",
            "--max-output-tokens", "6", "--max-turns", "2", "--max-batch", "2");
        assertThat(r.exit()).as(r.err()).isZero();
        return new ObjectMapper().readTree(r.out());
    }

    @Test
    void theUntrainedModelRunsToAReportOfItsFailuresTheSameWayTwice() throws Exception {
        JsonNode first = eval();
        JsonNode totals = first.get("totals");
        assertThat(first.get("engine").asText()).isEqualTo("cpu");
        assertThat(totals.get("cases").asInt()).isEqualTo(2);
        assertThat(totals.get("succeeded").asInt()).isZero();
        assertThat(totals.get("generated_tokens").asLong()).isBetween(1L, 2L * 2 * 6);
        assertThat(totals.get("prompt_tokens").asLong()).isGreaterThan(100);
        assertThat(totals.get("tokens_per_second").asDouble()).isPositive();
        assertThat(totals.get("failure_kinds").size()).isPositive();
        for (JsonNode c : first.get("cases")) {
            assertThat(c.get("success").asBoolean()).isFalse();
            assertThat(c.get("failures").size()).as(c.toString()).isPositive();
            assertThat(c.get("reason").asText()).isNotBlank();
            assertThat(c.get("status").asText()).isIn("TURN_TOKEN_LIMIT", "WORKER_ERROR", "MAX_TURNS", "UNKNOWN_TOOL",
                "COMPLETED");
        }

        JsonNode second = eval();
        for (int i = 0; i < 2; i++) {
            for (String field : List.of("status", "failures", "reason", "tool_calls", "final", "turns",
                "generated_tokens")) {
                assertThat(second.get("cases").get(i).get(field)).as(field)
                    .isEqualTo(first.get("cases").get(i).get(field));
            }
        }
    }
}
