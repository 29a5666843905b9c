package dev.agentrt.cli;

import dev.agentrt.cli.harmony.HarmonyBenchCommand;
import dev.agentrt.cli.harmony.HarmonyParseCommand;
import dev.agentrt.cli.harmony.HarmonyRenderCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code agentrt harmony}: render conversations to gpt-oss prompts, parse completions back into messages, and
 * measure the codec. The logic lives in {@code dev.agentrt.harmony} (module schemas); this is the shell around it.
 */
@Command(
    name = "harmony",
    mixinStandardHelpOptions = true,
    description = "Harmony chat format (gpt-oss): render, parse, bench.",
    subcommands = {HarmonyRenderCommand.class, HarmonyParseCommand.class, HarmonyBenchCommand.class})
public final class HarmonyCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
