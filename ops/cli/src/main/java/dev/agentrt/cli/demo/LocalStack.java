package dev.agentrt.cli.demo;

import dev.agentrt.broker.EmbeddedKafkaBroker;
import dev.agentrt.engine.Engine;
import dev.agentrt.engine.cpu.CpuEngine;
import dev.agentrt.harmony.HarmonyEncoding;
import dev.agentrt.model.Checkpoint;
import dev.agentrt.orchestrator.Orchestrator;
import dev.agentrt.orchestrator.OrchestratorConfig;
import dev.agentrt.orchestrator.OrchestratorSettings;
import dev.agentrt.tools.RoutesConfig;
import dev.agentrt.tools.ToolExecutor;
import dev.agentrt.tools.TrustedFunction;
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
import java.util.function.Consumer;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Everything in one JVM, as {@code agentrt demo} and {@code agentrt up} run it: an embedded broker, the
 * orchestrator, one CPU inference worker and the tool executor (builtin tools and the sandboxed python
 * tool). Closing it stops them in reverse order. Tests choose the engine, trusted functions and the topic prefix
 * through {@link Options}.
 */
public final class LocalStack implements AutoCloseable {

    /**
     * Opens the worker's engine for a model directory. {@code closeLater} takes what must stay open while the
     * engine runs (a checkpoint, say): the stack closes it after the engine.
     */
    @FunctionalInterface
    public interface EngineFactory {
        Engine open(Path model, Consumer<AutoCloseable> closeLater) throws Exception;

        /** The CPU engine on a checkpoint directory: what {@code demo} and {@code up} run. */
        EngineFactory CPU = (model, closeLater) -> {
            var checkpoint = Checkpoint.open(model);
            closeLater.accept(checkpoint);
            return new CpuEngine(checkpoint.residentWeights());
        };

        /**
         * The engine {@code kind} picks ({@code cpu}, {@code cuda}, or {@code auto}: cuda when it can run, else cpu),
         * for batches of up to {@code maxBatch} sequences of {@code maxContext} positions. A fallback of {@code auto}
         * is reported on {@code log}; {@code cuda} without a usable GPU throws {@link
         * dev.agentrt.engine.cuda.CudaUnavailableException} with the reason.
         */
        static EngineFactory of(dev.agentrt.engine.Engines.Kind kind, int maxBatch, int maxContext, PrintWriter log) {
            return (model, closeLater) -> {
                var checkpoint = Checkpoint.open(model);
                closeLater.accept(checkpoint);
                int context = Math.max(2, Math.min(maxContext, dev.agentrt.engine.Engines.maxContext(checkpoint.config())));
                var cuda = dev.agentrt.engine.cuda.CudaEngine.Options.defaults().withMaxBatch(maxBatch)
                    .withMaxContext(context).withProgress(dev.agentrt.cli.model.EngineOptions.uploadBar(log));
                var selection = dev.agentrt.engine.Engines.open(kind, checkpoint.weights(), cuda,
                    () -> new CpuEngine(checkpoint.residentWeights()));
                if (selection.fallbackWarning() != null) {
                    log.println("agentrt: warning: " + selection.fallbackWarning());
                    log.flush();
                }
                return selection.engine();
            };
        }
    }

    /**
     * The tool executor: trusted functions by recipient (e.g. {@code functions.lookup}, next to the builtin tools
     * and the sandboxed python tool) and its service settings.
     */
    public record Tools(Map<String, TrustedFunction> trustedFunctions, ExecutorServiceSettings settings) {
        public static Tools defaults() {
            return new Tools(Map.of(), ExecutorServiceSettings.defaults("local-tools", 2));
        }
    }

    /**
     * What to start.
     *
     * @param model       checkpoint directory handed to {@code engine}
     * @param port        Kafka port; 0 picks a free one
     * @param dataDir     orchestrator state; null for a new temporary folder
     * @param engine      opens the worker's engine
     * @param tools       the tool executor's trusted functions and settings
     * @param topicPrefix prefix of every topic (and of the consumer groups)
     */
    public record Options(Path model, int port, int maxBatch, int maxContext, Path dataDir, EngineFactory engine,
                          Tools tools, String topicPrefix) {
        /** The CPU engine, the builtin tools and the default topics: {@code demo} and {@code up}. */
        public Options(Path model, int port, int maxBatch, int maxContext, Path dataDir) {
            this(model, port, maxBatch, maxContext, dataDir, EngineFactory.CPU, Tools.defaults(),
                AgentrtTopics.DEFAULT_PREFIX);
        }

        public Options withEngine(EngineFactory value) {
            return new Options(model, port, maxBatch, maxContext, dataDir, value, tools, topicPrefix);
        }

        public Options withTools(Tools value) {
            return new Options(model, port, maxBatch, maxContext, dataDir, engine, value, topicPrefix);
        }

        public Options withTopicPrefix(String value) {
            return new Options(model, port, maxBatch, maxContext, dataDir, engine, tools, value);
        }
    }

    private final Deque<AutoCloseable> started = new ArrayDeque<>();
    private AgentrtTopics topics = AgentrtTopics.of(AgentrtTopics.DEFAULT_PREFIX, 2);
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
        topics = AgentrtTopics.of(o.topicPrefix(), 2);

        step(log, "starting the Kafka broker");
        broker = EmbeddedKafkaBroker.builder().port(o.port()).build();
        started.push(broker);
        broker.start();
        broker.createTopics(topics);
        String bootstrap = broker.bootstrapServers();
        Map<String, Object> client = Map.of("bootstrap.servers", bootstrap);

        step(log, "starting the orchestrator (Kafka Streams, exactly-once)");
        var streamsProps = OrchestratorConfig.streamsProperties(bootstrap, work.resolve("orchestrator"),
            o.topicPrefix().equals(AgentrtTopics.DEFAULT_PREFIX) ? Map.of()
                : Map.of(StreamsConfig.APPLICATION_ID_CONFIG, o.topicPrefix() + OrchestratorConfig.DEFAULT_APPLICATION_ID));
        var orchestrator = new Orchestrator(topics, OrchestratorSettings.DEFAULTS, streamsProps, clock).start();
        started.push(orchestrator);

        step(log, "loading the model" + (o.model() != null ? " from " + o.model() : ""));
        Engine engine = o.engine().open(o.model(), started::push);
        started.push(engine);
        int context = engine instanceof CpuEngine cpu ? Math.min(cpu.maxContext(), o.maxContext()) : o.maxContext();
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
        var executor = new ToolExecutor(sandbox, RoutesConfig.defaults(), o.tools().trustedFunctions(),
            BuiltinTools.standard(clock));
        var tools = new ToolExecutorService(executor, topics, o.tools().settings(), client, clock).start();
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
