package dev.agentrt.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.agentrt.engine.cuda.CudaProbe;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --engine cuda|auto} through the CLI entry point on a machine without a usable GPU: {@code cuda} stops with
 * one line saying why and exit 1 (the worker before touching Kafka), {@code auto} warns and runs on the CPU engine.
 */
class EngineChoiceTest {
    private static final String PROMPT = "1,5,7,100,3,9,42,17,8,2";

    @TempDir
    static Path tmp;
    static Path model;

    private record Run(int exit, String out, String err) {}

    private static Run run(String... args) {
        var out = new StringWriter();
        var err = new StringWriter();
        var cl = Agentrt.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @BeforeAll
    static void noGpuAndATinyModel() {
        assumeFalse(CudaProbe.probe().available(), "this machine has a usable GPU: the no-GPU paths cannot be seen here");
        model = tmp.resolve("tiny");
        assertThat(run("model", "synth", "--preset", "tiny-1k", "--out", model.toString()).exit()).isZero();
    }

    @Test
    void workerWithEngineCudaExitsWithTheReasonBeforeConnecting() {
        Run r = run("worker", "--engine", "cuda", "--model", model.toString(), "--bootstrap", "127.0.0.1:1");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).startsWith("agentrt worker: ").contains(CudaProbe.probe().reason());
        assertThat(r.err().strip().lines()).hasSize(1);
        assertThat(r.out()).doesNotContain("running");
    }

    @Test
    void modelCommandsWithEngineCudaExitWithTheReason() {
        Run r = run("model", "generate", "--engine", "cuda", "--model", model.toString(), "--tokens", PROMPT, "-n", "2");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).startsWith("agentrt generate: ").contains(CudaProbe.probe().reason());
        Run logits = run("model", "logits", "--engine", "cuda", "--model", model.toString(), "--tokens", PROMPT);
        assertThat(logits.exit()).isEqualTo(1);
        assertThat(logits.err()).contains(CudaProbe.probe().reason());
    }

    @Test
    void engineAutoFallsBackToTheCpuEngineWithAWarning() {
        Run cpu = run("model", "generate", "--engine", "cpu", "--model", model.toString(), "--tokens", PROMPT, "--greedy",
            "-n", "3", "--json");
        Run auto = run("model", "generate", "--engine", "auto", "--model", model.toString(), "--tokens", PROMPT, "--greedy",
            "-n", "3", "--json");
        assertThat(auto.exit()).as(auto.err()).isZero();
        assertThat(auto.out()).isEqualTo(cpu.out()).contains("[487,951,48]");
        assertThat(auto.err()).contains("warning: the CUDA engine cannot run here").contains("using the CPU engine");
        assertThat(cpu.err()).doesNotContain("warning");
    }

    @Test
    void unknownEngineIsAUsageError() {
        Run r = run("model", "generate", "--engine", "tpu", "--model", model.toString(), "--tokens", PROMPT);
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("--engine");
    }
}
