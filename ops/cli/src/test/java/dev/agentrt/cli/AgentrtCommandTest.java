package dev.agentrt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class AgentrtCommandTest {

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

    @Test
    void versionPrintsTheBuiltVersionsNotPlaceholders() {
        Run r = run("version");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).startsWith("agentrt 0.").contains("Kafka 4.4.0").contains("Avro 1.12.2")
            .doesNotContain("${");
    }

    @Test
    void helpListsEverySubcommand() {
        Run r = run("--help");
        assertThat(r.exit()).isZero();
        for (var sub : Agentrt.commandLine().getSubcommands().keySet()) {
            assertThat(r.out()).contains(sub);
        }
    }

    @Test
    void everySubcommandHasHelp() {
        for (var e : Agentrt.commandLine().getSubcommands().entrySet()) {
            if (e.getKey().equals("help")) continue;
            Run r = run(e.getKey(), "--help");
            assertThat(r.exit()).as(e.getKey() + " --help").isZero();
            assertThat(r.out()).as(e.getKey() + " --help").contains("Usage: agentrt " + e.getKey());
        }
    }

    @Test
    void unknownSubcommandIsAUsageErrorWithExitCode2() {
        Run r = run("no-such-command");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("no-such-command");
    }

    @Test
    void errorReporterChainsCauseMessagesOnce() {
        var ex = new IllegalStateException("cannot start broker",
            new java.io.IOException("port 9092 in use"));
        assertThat(ErrorReporter.describe(ex)).isEqualTo("cannot start broker: port 9092 in use");
    }
}
