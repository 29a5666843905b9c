package dev.agentrt.cli.tools;

import dev.agentrt.tools.sandbox.SandboxConfig;
import dev.agentrt.tools.sandbox.Tier;
import picocli.CommandLine.Option;

/** Sandbox settings shared by {@code tools exec} and {@code tools bench}. */
public final class SandboxOptions {

    @Option(names = "--instance", defaultValue = "cli",
            description = "Sandbox instance name (cgroups, slot dirs, lock). Default: ${DEFAULT-VALUE}.")
    String instance;

    @Option(names = "--uid-base", defaultValue = "61500",
            description = "First slot uid; slots use uid-base..uid-base+slots. Default: ${DEFAULT-VALUE}.")
    int uidBase;

    @Option(names = "--slots", defaultValue = "2", description = "Concurrency limit. Default: ${DEFAULT-VALUE}.")
    int slots;

    public int slots() {
        return slots;
    }

    public String instance() {
        return instance;
    }

    @Option(names = "--min-tier", defaultValue = "C",
            description = "Minimum isolation tier (A or C); below it code tools answer SANDBOX_UNAVAILABLE. Default: ${DEFAULT-VALUE}.")
    Tier minimumTier;

    public SandboxConfig config() {
        return SandboxConfig.defaults(instance).withUidBase(uidBase).withSlots(slots).withMinimumTier(minimumTier);
    }
}
