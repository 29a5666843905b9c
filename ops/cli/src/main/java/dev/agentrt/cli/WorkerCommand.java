package dev.agentrt.cli;

import dev.agentrt.cli.model.EngineOptions;
import dev.agentrt.engine.Engine;
import dev.agentrt.engine.Engines;
import dev.agentrt.engine.cpu.CpuEngine;
import dev.agentrt.engine.cuda.CudaEngine;
import dev.agentrt.engine.cuda.CudaUnavailableException;
import dev.agentrt.harmony.HarmonyEncoding;
import dev.agentrt.model.Checkpoint;
import dev.agentrt.topics.AgentrtTopics;
import dev.agentrt.worker.DecoderSettings;
import dev.agentrt.worker.PromptBuilder;
import dev.agentrt.worker.WorkerService;
import dev.agentrt.worker.WorkerSettings;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code agentrt worker}: serves inference requests from Kafka with a gpt-oss engine until stopped. */
@Command(name = "worker", mixinStandardHelpOptions = true,
    description = "Run an inference worker: consumes the inference topic, decodes with continuous batching, "
        + "produces one result per turn (exactly-once with its offset) and streams token deltas. Stops cleanly on Ctrl-C.")
public final class WorkerCommand implements Callable<Integer> {

    @Mixin
    KafkaClientOptions kafka;

    @Option(names = "--model", required = true, paramLabel = "DIR", description = "Checkpoint directory.")
    Path model;

    @Option(names = "--engine", defaultValue = "auto", paramLabel = "cpu|cuda|auto",
        description = "cpu, cuda (an NVIDIA GPU; exits with the reason when none can be used) or auto (cuda when it can "
            + "run, else cpu with a warning). Default: ${DEFAULT-VALUE}.")
    Engines.Kind engine;

    @Option(names = "--kv-cache", defaultValue = "bf16", paramLabel = "bf16|fp32",
        description = "Element type of the CUDA engine's KV cache: bf16 (half the memory) or fp32 (exact CPU parity). "
            + "Default: ${DEFAULT-VALUE}.")
    String kvCacheType;

    @Option(names = "--max-batch", defaultValue = "8", paramLabel = "N",
        description = "Sequences decoded together in one step (default: ${DEFAULT-VALUE}).")
    int maxBatch;

    @Option(names = "--max-queued", paramLabel = "N",
        description = "Requests held beyond the batch before consumption pauses (default: --max-batch).")
    Integer maxQueued;

    @Option(names = "--max-context", paramLabel = "N",
        description = "Positions per sequence, prompt and output (default: min(model context, 8192)).")
    Integer maxContext;

    @Option(names = "--kv-cache-mib", defaultValue = "1024", paramLabel = "MIB",
        description = "Memory for the KV caches kept between a conversation's turns (default: ${DEFAULT-VALUE}).")
    long kvCacheMib;

    @Option(names = "--worker-id", paramLabel = "ID",
        description = "This instance's id, in results and the transactional id (default: host name and a random suffix).")
    String workerId;

    @Spec
    CommandSpec spec;

    private final GracefulStop stop = new GracefulStop("worker", java.time.Duration.ofSeconds(45));

    @Override
    public Integer call() throws Exception {
        var err = spec.commandLine().getErr();
        if (!kvCacheType.equals("bf16") && !kvCacheType.equals("fp32")) {
            err.println("agentrt worker: --kv-cache must be bf16 or fp32, got " + kvCacheType);
            return 1;
        }
        if (kvCacheMib < 0) {
            err.println("agentrt worker: --kv-cache-mib must be >= 0, got " + kvCacheMib);
            return 1;
        }
        AgentrtTopics topics = kafka.topics();
        Map<String, Object> config = kafka.clientConfig();
        String groupId = String.valueOf(config.getOrDefault("group.id", topics.prefix() + "inference-workers"));
        String id = workerId != null ? workerId : defaultWorkerId();
        try (Checkpoint checkpoint = Checkpoint.open(model)) {
            int modelContext = Engines.maxContext(checkpoint.config());
            int context = maxContext != null ? maxContext : Math.min(modelContext, DecoderSettings.DEFAULT_MAX_CONTEXT);
            if (context > modelContext) {
                err.println("agentrt worker: --max-context " + context + " exceeds the model's " + modelContext);
                return 1;
            }
            Engines.Selection selection;
            try {
                selection = Engines.open(engine, checkpoint.weights(), CudaEngine.Options.defaults().withMaxBatch(maxBatch)
                    .withMaxContext(context).withKvBf16(kvCacheType.equals("bf16")).withProgress(EngineOptions.uploadBar(err)),
                    () -> new CpuEngine(checkpoint.residentWeights()));
            } catch (CudaUnavailableException e) {
                err.println("agentrt worker: " + e.getMessage());
                return 1;
            }
            if (selection.fallbackWarning() != null) {
                err.println("agentrt worker: warning: " + selection.fallbackWarning());
            }
            try (Engine opened = selection.engine()) {
                String engineName = opened instanceof CpuEngine
                    ? selection.description() + ", weights " + checkpoint.residency() : selection.description();
                return serve(engineName, opened, topics, config, groupId, id, context);
            }
        } finally {
            stop.closed();
        }
    }

    /** Runs the worker service on {@code model} until Ctrl-C (0) or a failure (1). */
    private int serve(String engineName, Engine model, AgentrtTopics topics, Map<String, Object> config, String groupId,
                      String id, int context) throws Exception {
        var out = spec.commandLine().getOut();
        var err = spec.commandLine().getErr();
        var settings = new WorkerSettings(id, groupId, new DecoderSettings(maxBatch, context),
            maxQueued != null ? maxQueued : maxBatch, kvCacheMib << 20);
        var prompts = new PromptBuilder(HarmonyEncoding.o200kHarmony());
        try (WorkerService worker = new WorkerService(settings, topics, config, model, prompts, Clock.systemUTC())) {
            stop.arm();
            worker.start();
            out.println("worker " + id + " running against " + kafka.bootstrap() + " (topics " + topics.prefix()
                + "*, group " + groupId + ", engine " + engineName + ", batch " + maxBatch + ", context " + context
                + "); Ctrl-C stops it");
            out.flush();
            while (!stop.awaitStopRequest(1, TimeUnit.SECONDS)) {
                if (!worker.isRunning()) {
                    Throwable failure = worker.failure();
                    err.println("agentrt worker: stopped: " + (failure == null ? "unknown reason" : failure));
                    return 1;
                }
            }
        }
        out.println("worker stopped");
        out.flush();
        return 0;
    }

    /** Lets tests stop a running command. */
    public void stop() {
        stop.requestStop();
    }

    private static String defaultWorkerId() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            host = "worker";
        }
        return host + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

}
