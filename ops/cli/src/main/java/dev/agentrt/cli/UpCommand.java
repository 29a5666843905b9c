package dev.agentrt.cli;

import dev.agentrt.cli.demo.DefaultModel;
import dev.agentrt.cli.demo.LocalStack;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code agentrt up}: the demo's stack, long-running, for {@code agentrt submit} and {@code agentrt watch}. */
@Command(name = "up", mixinStandardHelpOptions = true,
    description = "Run everything in one JVM (embedded Kafka, orchestrator, CPU worker, tool executor) until Ctrl-C. "
        + "Then: agentrt submit --wait \"question\" and agentrt watch in other terminals.")
public final class UpCommand implements Callable<Integer> {

    @Option(names = "--model", paramLabel = "DIR",
        description = "Checkpoint directory (default: the bundled demo model, unpacked on first use).")
    Path model;

    @Option(names = "--port", defaultValue = "9092", description = "Kafka port (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--max-batch", defaultValue = "8") int maxBatch;
    @Option(names = "--max-context", defaultValue = "8192") int maxContext;

    @Spec CommandSpec spec;

    private final GracefulStop stop = new GracefulStop("up", java.time.Duration.ofSeconds(60));

    @Override
    public Integer call() throws Exception {
        var out = spec.commandLine().getOut();
        Path modelDir = model;
        if (modelDir == null) {
            modelDir = DefaultModel.resolve(out);
        }
        try (var stack = LocalStack.start(new LocalStack.Options(modelDir, port, maxBatch, maxContext, null), out)) {
            stop.arm();
            out.println("bootstrap: " + stack.bootstrap());
            out.println("agentrt is up (sandbox tier " + stack.sandboxTier() + "). Try: ops/bin/agentrt submit --bootstrap "
                + stack.bootstrap() + " --wait \"What is 2 to the power of 10?\"   Ctrl-C stops.");
            out.flush();
            stop.awaitStopRequest();
        } finally {
            stop.closed();
        }
        out.println("agentrt stopped");
        out.flush();
        return 0;
    }
}
