package dev.agentrt.cli.model;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options shared by the commands that run the engine. */
public final class EngineOptions {
    @Option(names = "--model", required = true, paramLabel = "DIR", description = "Checkpoint directory.")
    Path model;

    @Option(names = "--tokens", split = ",", paramLabel = "IDS",
            description = "Prompt token ids, comma-separated (e.g. 1,2,3).")
    int[] tokens;

    /** The prompt ids, or a usage error when the command needs them and they are missing. */
    int[] requireTokens(picocli.CommandLine cl) {
        if (tokens == null || tokens.length == 0) {
            throw new picocli.CommandLine.ParameterException(cl, "--tokens is required (e.g. --tokens 1,2,3)");
        }
        return tokens;
    }

    @Option(names = "--threads", paramLabel = "N", description = "Compute threads (default: all cores).")
    Integer threads;

    int threadCount() {
        int n = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        if (n < 1) {
            throw new IllegalArgumentException("--threads must be >= 1, got " + n);
        }
        return n;
    }
}
