package dev.agentrt.cli;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code agentrt} command: one entry point for every service and tool of the runtime. */
@Command(
    name = "agentrt",
    mixinStandardHelpOptions = true,
    versionProvider = BuildInfo.class,
    description = "Kafka streaming agent runtime for gpt-oss models.",
    subcommands = {
        DemoCommand.class,
        UpCommand.class,
        BrokerCommand.class,
        VersionCommand.class,
        HarmonyCommand.class,
        OrchestratorCommand.class,
        WorkerCommand.class,
        ModelCommand.class,
        ToolsCommand.class,
        SubmitCommand.class,
        WatchCommand.class,
        dev.agentrt.cli.eval.EvalCommand.class,
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
        // Always UTF-8 on the wire, whatever the locale (CI often runs with LANG unset = ASCII):
        // Harmony text must reach stdout byte for byte.
        var cl = commandLine();
        cl.setOut(new PrintWriter(new OutputStreamWriter(new FileOutputStream(FileDescriptor.out), StandardCharsets.UTF_8), true));
        cl.setErr(new PrintWriter(new OutputStreamWriter(new FileOutputStream(FileDescriptor.err), StandardCharsets.UTF_8), true));
        int exit = cl.execute(args);
        System.exit(exit);
    }
}
