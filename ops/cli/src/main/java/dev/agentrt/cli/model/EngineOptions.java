package dev.agentrt.cli.model;

import dev.agentrt.engine.Engine;
import dev.agentrt.engine.Engines;
import dev.agentrt.engine.cpu.CpuEngine;
import dev.agentrt.engine.cpu.Parallel;
import dev.agentrt.engine.cuda.CudaEngine;
import dev.agentrt.model.Checkpoint;
import dev.agentrt.model.synth.ProgressBar;
import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options shared by the commands that run the engine. */
public final class EngineOptions {
    @Option(names = "--model", required = true, paramLabel = "DIR", description = "Checkpoint directory.")
    Path model;

    @Option(names = "--tokens", split = ",", paramLabel = "IDS",
            description = "Prompt token ids, comma-separated (e.g. 1,2,3).")
    int[] tokens;

    @Option(names = "--engine", defaultValue = "cpu", paramLabel = "cpu|cuda|auto",
            description = "cpu, cuda (an NVIDIA GPU; fails with the reason when none can be used) or auto (cuda when it "
                    + "can run, else cpu with a warning). Default: ${DEFAULT-VALUE}.")
    Engines.Kind engine;

    /** The prompt ids, or a usage error when the command needs them and they are missing. */
    int[] requireTokens(picocli.CommandLine cl) {
        if (tokens == null || tokens.length == 0) {
            throw new picocli.CommandLine.ParameterException(cl, "--tokens is required (e.g. --tokens 1,2,3)");
        }
        return tokens;
    }

    @Option(names = "--threads", paramLabel = "N", description = "Compute threads of the CPU engine (default: all cores).")
    Integer threads;

    int threadCount() {
        int n = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        if (n < 1) {
            throw new IllegalArgumentException("--threads must be >= 1, got " + n);
        }
        return n;
    }

    /**
     * The engine chosen by {@code --engine} for sequences of up to {@code maxContext} positions, one at a time; the CPU
     * engine computes on {@code pool}. A fallback of {@code auto} is reported on {@code err}.
     */
    Engine open(Checkpoint ckpt, Parallel pool, int maxContext, PrintWriter err) {
        int context = Math.max(2, Math.min(maxContext, Engines.maxContext(ckpt.config())));
        CudaEngine.Options cuda = CudaEngine.Options.defaults().withMaxBatch(1).withMaxContext(context)
                .withPrefillChunk(Math.min(256, context)).withProgress(uploadBar(err));
        Engines.Selection s = Engines.open(engine, ckpt.weights(), cuda,
                () -> new CpuEngine(ckpt.residentWeights(), pool, CpuEngine.DEFAULT_MAX_ROWS));
        if (s.fallbackWarning() != null) {
            err.println("agentrt: warning: " + s.fallbackWarning());
            err.flush();
        }
        return s.engine();
    }

    /** A progress bar on {@code err} for the upload of the weights to the GPU. */
    public static CudaEngine.Progress uploadBar(PrintWriter err) {
        ProgressBar[] bar = {null};
        return (done, total) -> {
            if (bar[0] == null) {
                bar[0] = new ProgressBar(err, "weights to GPU", total);
            }
            bar[0].accept(done);
        };
    }
}
