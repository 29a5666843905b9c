package dev.agentrt.cli;

import dev.agentrt.cli.tools.BenchCommand;
import dev.agentrt.cli.tools.ExecCommand;
import dev.agentrt.cli.tools.SandboxOptions;
import dev.agentrt.cli.tools.ToolServiceRunner;
import dev.agentrt.tools.RoutesConfig;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code agentrt tools}: without a subcommand, the tool executor service (tool-calls to
 * tool-results) until Ctrl-C; {@code exec} runs one call, {@code bench} measures the sandbox.
 */
@Command(name = "tools", mixinStandardHelpOptions = true,
        description = "Run the tool executor service (consumes tool-calls, produces tool-results; Ctrl-C stops "
                + "it cleanly), or one tool call (exec), or measure the sandbox (bench).",
        subcommands = {ExecCommand.class, BenchCommand.class})
public final class ToolsCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    KafkaClientOptions kafka;

    @Mixin
    SandboxOptions sandbox;

    @Option(names = "--routes", paramLabel = "routes.yaml", description = "Tool routes (command, http, kafka) and limits.")
    Path routes;

    private final ToolServiceRunner runner = new ToolServiceRunner();

    @Override
    public Integer call() throws InterruptedException {
        RoutesConfig config;
        try {
            config = routes == null ? RoutesConfig.defaults() : RoutesConfig.load(routes);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        return runner.run(kafka, sandbox, config, spec.commandLine().getOut(), spec.commandLine().getErr());
    }

    /** Lets tests stop a running service. */
    public void stop() {
        runner.stop();
    }
}
