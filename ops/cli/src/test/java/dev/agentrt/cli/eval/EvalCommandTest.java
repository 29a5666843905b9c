package dev.agentrt.cli.eval;

import static dev.agentrt.cli.eval.EvalScripts.ALL_TOOLS;
import static dev.agentrt.cli.eval.EvalScripts.line;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentrt.cli.Agentrt;
import dev.agentrt.cli.demo.LocalStack;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code agentrt eval} as a user runs it, on the scripted engine (in process). */
class EvalCommandTest {

    record Run(int exit, String out, String err) {}

    @TempDir Path dir;

    /** Runs the command with {@code factory} as its engine (null: the real one {@code --engine} names). */
    static Run run(LocalStack.EngineFactory factory, String... args) {
        var out = new StringWriter();
        var err = new StringWriter();
        var cl = Agentrt.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        ((EvalCommand) cl.getSubcommands().get("eval").getCommand()).engineFactory = factory;
        int exit = cl.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    static final LocalStack.EngineFactory SCRIPTED = (model, closeLater) -> EvalScripts.engine();

    private Path cases(String... lines) throws Exception {
        return Files.writeString(dir.resolve("cases.jsonl"), String.join("\n", lines) + "\n");
    }

    private Path threeCases() throws Exception {
        return cases(
            line("mul", "calc 17.5 * 23", ALL_TOOLS, "\"functions.calculate\"", "{\"expression\":\"17.5 * 23\"}", "402\\.5"),
            line("paris", "answer Paris.", "[]", null, null, "Paris"),
            line("lazy", "answer About 400.", ALL_TOOLS, "\"calculator\"", null, "402\\.5"));
    }

    @Test
    void printsEachCaseTheTotalsAndWhyCasesFailed() throws Exception {
        var r = run(SCRIPTED, "eval", "--model", dir.toString(), "--cases", threeCases().toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out())
            .contains("eval: 3 cases from " + dir.resolve("cases.jsonl") + "; model " + dir + ", engine cpu, in process")
            .containsPattern("ok +mul +tool ✓  args ✓  final ✓  COMPLETED +2 turns")
            .containsPattern("FAIL +lazy +tool ✗  args ✗  final ✗  COMPLETED +1 turn ")
            .contains("tool choice + arguments  2/3 (66.7 %)")
            .contains("final answer             2/3 (66.7 %)")
            .contains("success                  2/3 (66.7 %)")
            .contains("failure kinds            no_tool_call 1, final_mismatch 1")
            .containsPattern("tokens +\\d+ generated, \\d+ prompt \\(\\d+ from the KV cache\\)")
            .containsPattern("time +\\d+\\.\\d s for the cases \\(\\d+\\.\\d generated tokens/s\\)")
            .contains("failed cases\n  lazy: no_tool_call: called no tool, expected functions.calculate; "
                + "final_mismatch: /402\\.5/ not found in \"About 400.\"");
        assertThat(r.err()).contains("[1/3] ").contains("[3/3] ").contains("mul: COMPLETED");
    }

    @Test
    void jsonIsOneObjectWithTotalsAndEveryCase() throws Exception {
        var r = run(SCRIPTED, "eval", "--model", dir.toString(), "--cases", threeCases().toString(), "--json");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out().strip().lines()).hasSize(1);
        JsonNode root = new ObjectMapper().readTree(r.out());
        assertThat(root.get("mode").asText()).isEqualTo("direct");
        JsonNode totals = root.get("totals");
        assertThat(totals.get("cases").asInt()).isEqualTo(3);
        assertThat(totals.get("succeeded").asInt()).isEqualTo(2);
        assertThat(totals.get("success_rate").asDouble()).isEqualTo(2 / 3.0);
        assertThat(totals.get("tool_and_args_accuracy").asDouble()).isEqualTo(2 / 3.0);
        assertThat(totals.get("final_accuracy").asDouble()).isEqualTo(2 / 3.0);
        assertThat(totals.get("failure_kinds").toString()).isEqualTo("{\"no_tool_call\":1,\"final_mismatch\":1}");
        assertThat(totals.get("generated_tokens").asLong()).isPositive();
        assertThat(totals.get("tokens_per_second").asDouble()).isPositive();
        assertThat(totals.has("wall_seconds")).isTrue();
        JsonNode mul = root.get("cases").get(0);
        assertThat(mul.get("id").asText()).isEqualTo("mul");
        assertThat(mul.get("success").asBoolean()).isTrue();
        assertThat(mul.get("status").asText()).isEqualTo("COMPLETED");
        assertThat(mul.get("tool_calls").toString())
            .isEqualTo("[{\"recipient\":\"functions.calculate\",\"arguments\":\"{\\\"expression\\\":\\\"17.5 * 23\\\"}\"}]");
        assertThat(mul.get("final").asText()).isEqualTo("17.5 * 23 = 402.5");
        assertThat(mul.get("turns").asInt()).isEqualTo(2);
        JsonNode lazy = root.get("cases").get(2);
        assertThat(lazy.get("failures").toString()).isEqualTo("[\"no_tool_call\",\"final_mismatch\"]");
        assertThat(lazy.get("reason").asText()).startsWith("no_tool_call: ");
    }

    @Test
    void minSuccessTurnsALowScoreIntoExitOne() throws Exception {
        Path file = threeCases();
        var below = run(SCRIPTED, "eval", "--model", dir.toString(), "--cases", file.toString(), "--min-success", "0.9");
        assertThat(below.exit()).isEqualTo(1);
        assertThat(below.err()).contains("success rate 66.7 % is below --min-success 90.0 %");
        assertThat(below.out()).contains("success                  2/3");
        var above = run(SCRIPTED, "eval", "--model", dir.toString(), "--cases", file.toString(), "--min-success", "0.6");
        assertThat(above.exit()).isZero();
    }

    @Test
    void aBadCaseFileFailsWithExitTwoBeforeAnyEngineStarts() throws Exception {
        var opened = new AtomicInteger();
        LocalStack.EngineFactory counting = (model, closeLater) -> {
            opened.incrementAndGet();
            return EvalScripts.engine();
        };
        Path file = cases(line("a", "answer x", "[\"abacus\"]", null, null, "x"),
            line("a", "answer x", "[]", null, null, "("));
        var r = run(counting, "eval", "--model", dir.toString(), "--cases", file.toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("is not a valid case file; nothing was run:")
            .contains(file + ":1: \"tools\": unknown tool \"abacus\"")
            .contains(file + ":2: \"id\": duplicate id \"a\" (first on line 1)")
            .contains(file + ":2: \"expect_final_regex\": not a valid regular expression");
        assertThat(r.out()).isEmpty();
        assertThat(opened).hasValue(0);
    }

    @Test
    void badOptionsAreUsageErrors() throws Exception {
        Path file = threeCases();
        String model = dir.toString();
        assertThat(run(SCRIPTED, "eval", "--model", model).exit()).isEqualTo(2); // --cases is required
        var missing = run(SCRIPTED, "eval", "--model", model, "--cases", dir.resolve("nope.jsonl").toString());
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.err()).contains("cannot read " + dir.resolve("nope.jsonl"));
        var minSuccess = run(SCRIPTED, "eval", "--model", model, "--cases", file.toString(), "--min-success", "90");
        assertThat(minSuccess.exit()).isEqualTo(2);
        assertThat(minSuccess.err()).contains("--min-success must be between 0 and 1, got 90.0");
        assertThat(run(SCRIPTED, "eval", "--model", model, "--cases", file.toString(), "--max-turns", "0").err())
            .contains("--max-turns must be >= 1, got 0");
        assertThat(run(SCRIPTED, "eval", "--model", model, "--cases", file.toString(), "--engine", "tpu").exit())
            .isEqualTo(2);
    }

    @Test
    void withoutAGpuTheCudaEngineStopsWithTheReason() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeFalse(dev.agentrt.engine.cuda.CudaProbe.probe().available(),
            "this machine has a usable GPU: the no-GPU path cannot be seen here");
        Path model = dir.resolve("tiny-1k");
        assertThat(Agentrt.commandLine().execute("model", "synth", "--preset", "tiny-1k", "--out", model.toString()))
            .isZero();
        var r = run(null, "eval", "--model", model.toString(), "--cases", threeCases().toString(), "--engine", "cuda");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("agentrt eval: ").contains(dev.agentrt.engine.cuda.CudaProbe.probe().reason());
    }

    @Test
    void aModelThatCannotBeOpenedIsAnErrorNotAScore() throws Exception {
        var r = run(null, "eval", "--model", dir.resolve("no-model").toString(), "--cases", threeCases().toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).startsWith("agentrt eval: ");
    }
}
