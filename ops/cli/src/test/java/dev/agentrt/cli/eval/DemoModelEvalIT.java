package dev.agentrt.cli.eval;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentrt.demomodel.DemoModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bundled demo model on the REAL CPU engine (greedy), with the held-out cases of ops/demo-model (never seen in
 * training): a few of them through the whole loop on the embedded broker (orchestrator, worker, sandboxed tool
 * executor), and all of them in process against the model's accuracy target. Runs in the C2 test JVM.
 */
class DemoModelEvalIT {

    static final Path HELDOUT = Path.of("../demo-model/cases-heldout.jsonl");
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir static Path dir;
    private static Path model;

    @BeforeAll
    static void unpack() throws Exception {
        model = DemoModel.unpackInto(dir.resolve("models"));
    }

    /** The first held-out case of each kind: calculator, unit conversion, current time, no tool. */
    private static Path firstOfEachKind() throws Exception {
        List<String> picked = new ArrayList<>();
        List<String> lines = Files.readAllLines(HELDOUT);
        for (String tool : new String[] {"functions.calculate", "functions.convert_units",
            "functions.get_current_time", null}) {
            picked.add(lines.stream().filter(l -> {
                JsonNode c = read(l);
                return Objects.equals(c.get("expect_tool").isNull() ? null : c.get("expect_tool").asText(), tool);
            }).findFirst().orElseThrow());
        }
        return Files.write(dir.resolve("picked.jsonl"), picked);
    }

    private static JsonNode read(String line) {
        try {
            return JSON.readTree(line);
        } catch (Exception e) {
            throw new IllegalArgumentException(line, e);
        }
    }

    @Test
    void heldOutQuestionsGetTheRightToolCallAndAnswerThroughTheRealLoop() throws Exception {
        Path cases = firstOfEachKind();
        var r = EvalCommandTest.run(null, "eval", "--model", model.toString(), "--cases", cases.toString(),
            "--through-kafka", "--json", "--timeout", "PT2M");
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode report = JSON.readTree(r.out());
        assertThat(report.get("mode").asText()).isEqualTo("kafka");
        List<String> expected = Files.readAllLines(cases);
        for (int i = 0; i < expected.size(); i++) {
            JsonNode want = read(expected.get(i));
            JsonNode got = report.get("cases").get(i);
            assertThat(got.get("id").asText()).isEqualTo(want.get("id").asText());
            assertThat(got.get("success").asBoolean()).as("%s: %s -> %s", want.get("question"), got.get("reason"), got)
                .isTrue();
            assertThat(got.get("status").asText()).isEqualTo("COMPLETED");
            if (want.get("expect_tool").isNull()) {
                assertThat(got.get("tool_calls")).isEmpty();
            } else {
                assertThat(got.get("tool_calls")).hasSize(1);
                assertThat(got.get("tool_calls").get(0).get("recipient").asText())
                    .isEqualTo(want.get("expect_tool").asText());
            }
            assertThat(got.get("final").asText()).containsPattern(want.get("expect_final_regex").asText());
        }
    }

    /** The target: >= 90% right tool and arguments and >= 90% right final answers (measured: 98% / 96%). */
    @Test
    void heldOutAccuracyMeetsTheTarget() throws Exception {
        var r = EvalCommandTest.run(null, "eval", "--model", model.toString(), "--cases", HELDOUT.toString(),
            "--json", "--max-batch", "8");
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode totals = JSON.readTree(r.out()).get("totals");
        assertThat(totals.get("cases").asInt()).isEqualTo(Files.readAllLines(HELDOUT).size());
        assertThat(totals.get("tool_and_args_accuracy").asDouble()).as(totals.toString()).isGreaterThanOrEqualTo(0.9);
        assertThat(totals.get("final_accuracy").asDouble()).as(totals.toString()).isGreaterThanOrEqualTo(0.9);
    }
}
