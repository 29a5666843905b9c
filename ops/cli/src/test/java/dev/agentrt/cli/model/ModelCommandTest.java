package dev.agentrt.cli.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentrt.cli.ModelCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The exact {@code agentrt model} contract on the deterministic tiny checkpoint (spec §12.3 values). */
class ModelCommandTest {
    private static final String PROMPT = "1,5,7,100,3,9,42,17,8,2";

    @TempDir
    static Path tmp;
    static Path model;

    @BeforeAll
    static void synth() {
        model = tmp.resolve("tiny");
        assertThat(run("synth", "--preset", "tiny-1k", "--out", model.toString(), "--layout", "hf").exit).isZero();
    }

    record Result(int exit, String out, String err) {
    }

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new ModelCommand());
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int exit = cl.execute(args);
        return new Result(exit, out.toString(), err.toString());
    }

    @Test
    void logitsJsonIsTheFullVocabularyOfTheLastPosition() throws Exception {
        Result r = run("logits", "--model", model.toString(), "--tokens", PROMPT, "--json");
        assertThat(r.exit).as(r.err).isZero();
        JsonNode logits = new ObjectMapper().readTree(r.out).get("logits");
        assertThat(logits.size()).isEqualTo(1024);
        assertThat(logits.get(0).asDouble()).isCloseTo(0.232327, org.assertj.core.data.Offset.offset(2e-4));
        assertThat(logits.get(487).asDouble()).isCloseTo(1.911782, org.assertj.core.data.Offset.offset(2e-4));
    }

    @Test
    void greedyGenerateJsonPrintsOnlyTheGeneratedIds() throws Exception {
        Result r = run("generate", "--model", model.toString(), "--tokens", PROMPT, "--greedy", "-n", "6", "--json");
        assertThat(r.exit).as(r.err).isZero();
        assertThat(new ObjectMapper().readTree(r.out).toString()).isEqualTo("{\"tokens\":[487,951,48,80,712,890]}");
    }

    @Test
    void infoShowsLayoutAndCounts() throws Exception {
        Result r = run("info", model.toString(), "--json");
        assertThat(r.exit).as(r.err).isZero();
        JsonNode info = new ObjectMapper().readTree(r.out);
        assertThat(info.get("layout").asText()).isEqualTo("hf");
        assertThat(info.get("experts").asText()).isEqualTo("mxfp4");
        assertThat(info.get("total_params").asLong()).isPositive();
        assertThat(info.get("weight_bytes_per_token").asLong()).isPositive();
    }

    @Test
    void promptIsRenderedWithHarmonyAndTheOutputParsed() {
        Path full = tmp.resolve("tiny-full");
        assertThat(run("synth", "--preset", "tiny-full", "--out", full.toString()).exit).isZero();
        Result r = run("generate", "--model", full.toString(), "--prompt", "What is 2+2?", "--greedy", "-n", "2");
        assertThat(r.exit).as(r.err).isZero();
        // 74 prompt tokens: system message (identity, cutoff, today's date, effort, channels) + the user message.
        assertThat(r.out).contains("prompt: 74 tokens").contains("(2 tokens, stopped by the -n limit");
        assertThat(run("generate", "--model", full.toString(), "--prompt", "x", "--tokens", "1").err)
            .contains("either --prompt or --tokens");
        assertThat(run("generate", "--model", full.toString()).err).contains("--tokens is required");
    }

    @Test
    void badInputGivesAnErrorNotAStackTrace() {
        Result r = run("generate", "--model", model.toString(), "--tokens", "1,x", "--greedy");
        assertThat(r.exit).isNotZero();
        assertThat(r.err).contains("--tokens").contains("'x'");
        assertThat(run("synth", "--preset", "7b", "--out", tmp.resolve("x").toString()).err).contains("unknown preset '7b'");
    }
}
