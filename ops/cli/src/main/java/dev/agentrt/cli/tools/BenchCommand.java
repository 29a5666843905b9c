package dev.agentrt.cli.tools;

import dev.agentrt.tools.sandbox.SandboxBench;
import dev.agentrt.tools.sandbox.SandboxException;
import dev.agentrt.tools.sandbox.SandboxRuntime;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code agentrt tools bench}: prints the sandbox figures of shared/docs/sandbox.md §3.8 for this machine. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measure kill latencies, OOM kill, sweep and spawn overhead of the sandbox on this machine.")
public final class BenchCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--runs", defaultValue = "10", description = "Runs per figure. Default: ${DEFAULT-VALUE}.")
    int runs;

    @Mixin
    SandboxOptions sandbox;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try (SandboxRuntime runtime = SandboxRuntime.start(sandbox.config())) {
            out.println("sandbox tier " + runtime.tier() + ": " + runtime.facts().detail());
            List<SandboxBench.Figure> figures = new SandboxBench(runtime, runs).run();
            figures.forEach(f -> out.println(f.line()));
            out.flush();
            return 0;
        } catch (SandboxException e) {
            spec.commandLine().getErr().println("agentrt tools bench: " + e.getMessage());
            return 1;
        }
    }
}
