package dev.agentrt.cli.demo;

import dev.agentrt.broker.EmbeddedKafkaBroker;
import dev.agentrt.engine.cpu.CpuEngine;
import dev.agentrt.harmony.HarmonyEncoding;
import dev.agentrt.model.Checkpoint;
import dev.agentrt.orchestrator.Orchestrator;
import dev.agentrt.orchestrator.OrchestratorConfig;
import dev.agentrt.orchestrator.OrchestratorSettings;
import dev.agentrt.tools.RoutesConfig;
import dev.agentrt.tools.ToolExecutor;
import dev.agentrt.tools.builtin.BuiltinTools;
import dev.agentrt.tools.sandbox.SandboxConfig;
import dev.agentrt.tools.sandbox.SandboxRuntime;
import dev.agentrt.tools.service.ExecutorServiceSettings;
import dev.agentrt.tools.service.ToolExecutorService;
import dev.agentrt.topics.AgentrtTopics;
import dev.agentrt.worker.DecoderSettings;
import dev.agentrt.worker.PromptBuilder;
import dev.agentrt.worker.WorkerService;
import dev.agentrt.worker.WorkerSettings;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;

/**
 * Everything in one JVM, as {@code agentrt demo} and {@code agentrt up} run it: an embedded broker, the
 * orchestrator, one CPU inference worker and the tool executor (builtin tools and the sandboxed python
 * tool). Closing it stops them in reverse order.
 */
public final class LocalStack implements AutoCloseable {

    /** What to start. */
    public record Options(Path model, int port, int maxBatch, int maxContext, Path dataDir) {}

    private final Deque<AutoCloseable> started = new ArrayDeque<>();
    private final AgentrtTopics topics = AgentrtTopics.of(AgentrtTopics.DEFAULT_PREFIX, 2);
    private EmbeddedKafkaBroker broker;
    private String sandboxTier = "none";

    public static LocalStack start(Options o, PrintWriter log) throws Exception {
        var stack = new LocalStack();
        try {
            stack.startAll(o, log);
            return stack;
        } catch (Exception | Error e) {
            stack.close();
            throw e;
        }
    }

    private void startAll(Options o, PrintWriter log) throws Exception {
        Clock clock = Clock.systemUTC();
        Path work = o.dataDir() != null ? o.dataDir() : Files.createTempDirectory("agentrt-local-");

        step(log, "starting the Kafka broker");
        broker = EmbeddedKafkaBroker.builder().port(o.port()).build();
        started.push(broker);
        broker.start();
        broker.createTopics(topics);
        String bootstrap = broker.bootstrapServers();
        Map<String, Object> client = Map.of("bootstrap.servers", bootstrap);

        step(log, "starting the orchestrator (Kafka Streams, exactly-once)");
        var streamsProps = OrchestratorConfig.streamsProperties(bootstrap, work.resolve("orchestrator"), Map.of());
        var orchestrator = new Orchestrator(topics, OrchestratorSettings.DEFAULTS, streamsProps, clock).start();
        started.push(orchestrator);

        step(log, "loading the model from " + o.model());
        var checkpoint = Checkpoint.open(o.model());
        started.push(checkpoint);
        var engine = new CpuEngine(checkpoint.weights());
        started.push(engine);
        int context = Math.min(engine.maxContext(), o.maxContext());
        var workerSettings = new WorkerSettings("local-worker", topics.prefix() + "inference-workers",
            new DecoderSettings(o.maxBatch(), context), o.maxBatch(), 256L << 20);
        var worker = new WorkerService(workerSettings, topics, client, engine,
            new PromptBuilder(HarmonyEncoding.o200kHarmony()), clock);
        started.push(worker);
        worker.start();

        step(log, "starting the tool executor");
        var sandbox = SandboxRuntime.start(SandboxConfig.defaults("local-" + ProcessHandle.current().pid()));
        started.push(sandbox);
        sandboxTier = sandbox.tier().name();
        var executor = new ToolExecutor(sandbox, RoutesConfig.defaults(), Map.of(), BuiltinTools.standard(clock));
        var tools = new ToolExecutorService(executor, topics, ExecutorServiceSettings.defaults("local-tools", 2),
            client, clock).start();
        started.push(tools);

        if (!orchestrator.awaitRunning(Duration.ofSeconds(60))) {
            throw new IllegalStateException("the orchestrator did not start within 60 s (state " + orchestrator.state() + ")");
        }
        if (!tools.awaitAssignment(Duration.ofSeconds(60))) {
            throw new IllegalStateException("the tool executor got no partitions within 60 s");
        }
    }

    private static void step(PrintWriter log, String what) {
        log.println("· " + what);
        log.flush();
    }

    public String bootstrap() {
        return broker.bootstrapServers();
    }

    public AgentrtTopics topics() {
        return topics;
    }

    public String sandboxTier() {
        return sandboxTier;
    }

    @Override
    public void close() {
        RuntimeException failure = null;
        while (!started.isEmpty()) {
            try {
                started.pop().close();
            } catch (Exception e) {
                if (failure == null) failure = new IllegalStateException("stopping the local stack failed", e);
                else failure.addSuppressed(e);
            }
        }
        if (failure != null) throw failure;
    }
}
