package dev.agentrt.cli;

import dev.agentrt.cli.tools.BenchCommand;
import dev.agentrt.cli.tools.ExecCommand;
import picocli.CommandLine.Command;

/** {@code agentrt tools}: run one tool call through the sandboxed executor, or measure the sandbox. */
@Command(name = "tools", mixinStandardHelpOptions = true,
        description = "Run tool calls through the sandboxed tool executor.",
        subcommands = {ExecCommand.class, BenchCommand.class})
public final class ToolsCommand {
}
