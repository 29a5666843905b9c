package dev.agentrt.cli;

import dev.agentrt.cli.model.BenchCommand;
import dev.agentrt.cli.model.GenerateCommand;
import dev.agentrt.cli.model.InfoCommand;
import dev.agentrt.cli.model.LogitsCommand;
import dev.agentrt.cli.model.SynthCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code agentrt model}: inspect, run, synthesise and benchmark gpt-oss checkpoints on the CPU engine. */
@Command(name = "model", mixinStandardHelpOptions = true,
        description = "Inspect, run, synthesise and benchmark gpt-oss checkpoints (CPU engine).",
        subcommands = {InfoCommand.class, LogitsCommand.class, GenerateCommand.class, SynthCommand.class,
            BenchCommand.class})
public final class ModelCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
