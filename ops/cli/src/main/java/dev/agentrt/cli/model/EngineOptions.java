package dev.agentrt.cli.model;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options shared by the commands that run the engine. */
public final class EngineOptions {
    @Option(names = "--model", required = true, paramLabel = "DIR", description = "Checkpoint directory.")
    Path model;

    @Option(names = "--tokens", required = true, split = ",", paramLabel = "IDS",
            description = "Prompt token ids, comma-separated (e.g. 1,2,3).")
    int[] tokens;

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
