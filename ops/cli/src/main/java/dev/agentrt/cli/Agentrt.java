package dev.agentrt.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code agentrt} command: one entry point for every service and tool of the runtime. */
@Command(
    name = "agentrt",
    mixinStandardHelpOptions = true,
    versionProvider = BuildInfo.class,
    description = "Kafka streaming agent runtime for gpt-oss models.",
    subcommands = {
        VersionCommand.class,
        CommandLine.HelpCommand.class
    })
public final class Agentrt implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        // No subcommand: show what there is rather than doing something surprising.
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Builds the command line with the settings every entry point (main, tests) shares. */
    public static CommandLine commandLine() {
        return new CommandLine(new Agentrt())
            .setCaseInsensitiveEnumValuesAllowed(true)
            .setExecutionExceptionHandler(new ErrorReporter());
    }

    public static void main(String[] args) {
        int exit = commandLine().execute(args);
        System.exit(exit);
    }
}
