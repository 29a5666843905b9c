package dev.agentrt.cli.model;

import dev.agentrt.engine.cpu.bench.CpuDecodeBench;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code agentrt model bench}: CPU prefill/decode throughput against the measured memory-bandwidth bound. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measure prefill and decode tok/s, peak RSS, streaming-read bandwidth and achieved/bound.")
public final class BenchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "DIR")
    Path model;

    @Option(names = "--prefill", split = ",", defaultValue = "128,1024", description = "Prompt lengths to prefill.")
    int[] prefill;

    @Option(names = "--decode", defaultValue = "64", description = "Batch-1 decode tokens.")
    int decode;

    @Option(names = "--batches", split = ",", defaultValue = "4,16", description = "Batched-decode sizes.")
    int[] batches;

    @Option(names = "--batch-steps", defaultValue = "8", description = "Steps per batched-decode measurement.")
    int batchSteps;

    @Option(names = "--threads", description = "Compute threads (default: all cores).")
    Integer threads;

    @Override
    public Integer call() throws Exception {
        int n = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        CpuDecodeBench.run(new CpuDecodeBench.Options(model, prefill, decode, batches, batchSteps, n),
                spec.commandLine().getOut());
        spec.commandLine().getOut().flush();
        return 0;
    }
}
