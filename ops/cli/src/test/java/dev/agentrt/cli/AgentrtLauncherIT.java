package dev.agentrt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The commands the README promises, through the real {@code ops/bin/agentrt} on the distribution Maven
 * just packaged (failsafe runs this after {@code package}). The locale is forced to plain ASCII, as in many
 * CI shells: Harmony text must still come out as exact UTF-8 bytes.
 */
class AgentrtLauncherIT {

    static final Path ROOT = Path.of("").toAbsolutePath().getParent().getParent();
    static final Path LAUNCHER = ROOT.resolve("ops/bin/agentrt");
    static final Path FIXTURES = ROOT.resolve("schemas/src/test/resources/harmony-fixtures");

    @TempDir Path tmp;

    record Run(int exit, byte[] out, String err) {
        String outText() {
            return new String(out, StandardCharsets.UTF_8);
        }
    }

    private static ProcessBuilder launcher(String... args) {
        var cmd = new ArrayList<String>();
        cmd.add(LAUNCHER.toString());
        cmd.addAll(List.of(args));
        var pb = new ProcessBuilder(cmd);
        Map<String, String> env = pb.environment();
        env.put("AGENTRT_NO_BUILD", "1");
        env.put("LANG", "C");
        env.put("LC_ALL", "C");
        return pb;
    }

    private static Run run(String... args) throws Exception {
        Process p = launcher(args).start();
        p.getOutputStream().close();
        var err = new StringBuilder();
        Thread errReader = Thread.ofVirtual().start(() -> {
            try {
                err.append(new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException ignored) {
                // the process ended
            }
        });
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("agentrt finished").isTrue();
        errReader.join();
        return new Run(p.exitValue(), out, err.toString());
    }

    @Test
    void versionAndHelp() throws Exception {
        Run version = run("version");
        assertThat(version.exit()).as(version.err()).isZero();
        assertThat(version.outText()).contains("agentrt 0.").contains("Kafka 4.4.0").contains("Java 25");
        Run help = run("--help");
        assertThat(help.outText()).contains("broker").contains("harmony").contains("orchestrator").contains("tools");
    }

    @Test
    void harmonyRenderReproducesAFixtureByteForByteInAnAsciiLocale() throws Exception {
        Path conversation = tmp.resolve("conversation.json");
        Files.writeString(conversation, """
            {"messages":[
             {"role":"user","content":[{"type":"text","text":"What is 2 + 2?"}]},
             {"role":"assistant","channel":"analysis","content":[{"type":"text","text":"User asks: \u201cWhat is 2 + 2?\u201d Simple arithmetic. Provide answer."}]},
             {"role":"assistant","channel":"final","content":[{"type":"text","text":"2 + 2 equals 4."}]},
             {"role":"user","content":[{"type":"text","text":"What about 9 / 2?"}]}]}""", StandardCharsets.UTF_8);
        Run r = run("harmony", "render", "--conversation", conversation.toString(), "--next-role", "assistant");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).isEqualTo(Files.readAllBytes(FIXTURES.resolve("test_dropping_cot_by_default.txt")));
    }

    @Test
    void harmonyParseReadsModelOutputAndFailsWithExitCode2OnGarbage() throws Exception {
        Run ok = run("harmony", "parse", "--role", "assistant", "--tokens-file",
            FIXTURES.resolve("test_simple_reasoning_response.txt").toString());
        assertThat(ok.exit()).as(ok.err()).isZero();
        assertThat(ok.outText()).startsWith("[").contains("\"channel\"");
        Run bad = run("harmony", "parse", "--tokens", "200006 200006");
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.err()).isNotBlank();
    }

    @Test
    void demoRunsTheWholeLoopWithTheBundledModelsToolRoundTrip() throws Exception {
        ProcessBuilder pb = launcher("demo");
        pb.environment().put("AGENTRT_CACHE", tmp.resolve("models").toString());
        Process p = pb.redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(300, TimeUnit.SECONDS)).as("demo finished").isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        // The README's first command: the bundled demo model (greedy) calls the calculator, reads its result and
        // answers with it.
        assertThat(out).contains("agentrt demo model").contains("sandbox tier").contains("[turn 0] user")
            .contains("→ functions.calculate").contains("{\"expression\":\"17.5 * 23\"}")
            .contains("\"result\":402.5").contains("final answer: The answer is 402.5.")
            .contains("status COMPLETED").contains("time split:");
        try (var unpacked = Files.list(tmp.resolve("models"))) {
            assertThat(unpacked.map(f -> f.getFileName().toString())).anyMatch(n -> n.startsWith("agentrt-demo-"));
        }
    }

    @Test
    void evalRejectsABadCaseFileWithExitTwoBeforeLoadingAnything() throws Exception {
        Path bad = Files.writeString(tmp.resolve("bad.jsonl"), "{\"id\": \"x\"}\n");
        Run r = run("eval", "--cases", bad.toString());
        assertThat(r.exit()).as(r.err()).isEqualTo(2);
        assertThat(r.err()).contains(bad + ":1: \"question\": missing");
        Run help = run("eval", "--help");
        assertThat(help.exit()).isZero();
        assertThat(help.outText()).contains("--through-kafka").contains("--min-success");
    }

    @Test
    void brokerStartsPrintsItsBootstrapAndStopsOnSigterm() throws Exception {
        Process p = launcher("broker", "--port", "0", "--ephemeral", "--partitions", "1").redirectErrorStream(false).start();
        try (var out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            String bootstrap = null;
            while ((line = out.readLine()) != null) {
                if (line.startsWith("bootstrap: ")) {
                    bootstrap = line.substring("bootstrap: ".length());
                    break;
                }
            }
            assertThat(bootstrap).as("bootstrap line").matches("127\\.0\\.0\\.1:\\d+");
            // SIGTERM runs the JVM's shutdown hooks like Ctrl-C. (Process.destroy() would also close our pipes.)
            new ProcessBuilder("kill", "-TERM", Long.toString(p.pid())).start().waitFor();
            var rest = new StringBuilder();
            while ((line = out.readLine()) != null) rest.append(line).append('\n');
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(rest.toString()).contains("stopped");
        } finally {
            p.destroyForcibly();
        }
    }
}
