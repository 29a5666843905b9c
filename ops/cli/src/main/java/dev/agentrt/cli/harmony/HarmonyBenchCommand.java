package dev.agentrt.cli.harmony;

import dev.agentrt.harmony.bench.HarmonyThroughput;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code agentrt harmony bench}: single-thread tokenize/render/parse throughput on a synthetic agent corpus. */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Measure tokenize, render and parse throughput (single thread, after a warm-up) on generated "
        + "agent conversations.")
public final class HarmonyBenchCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--seconds", defaultValue = "5", paramLabel = "N",
        description = "Measured seconds per phase; each phase is first warmed up for the same time, "
            + "at most 5 s (default: ${DEFAULT-VALUE}).")
    double seconds;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (!(seconds > 0) || seconds > 3600) {
            spec.commandLine().getErr().println("--seconds must be in (0, 3600], got " + seconds);
            return CommandFailure.EXIT_CODE;
        }
        HarmonyThroughput bench = HarmonyThroughput.withSyntheticCorpus();
        out.printf(Locale.ROOT, "corpus: %d conversations, %d bytes, %d tokens (single thread, %s s per phase)%n",
            bench.conversations(), bench.corpusBytes(), bench.corpusTokens(), seconds);
        Duration measure = Duration.ofNanos((long) (seconds * 1e9));
        Duration warmUp = measure.compareTo(Duration.ofSeconds(5)) > 0 ? Duration.ofSeconds(5) : measure;
        for (HarmonyThroughput.Phase p : bench.run(warmUp, measure)) {
            out.printf(Locale.ROOT, "%-9s %8.2f MB/s %12.0f tokens/s%n", p.name(), p.megabytesPerSecond(), p.tokensPerSecond());
        }
        out.flush();
        return 0;
    }
}
