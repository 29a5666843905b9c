package dev.agentrt.cli;

import dev.agentrt.orchestrator.Orchestrator;
import dev.agentrt.orchestrator.OrchestratorConfig;
import dev.agentrt.orchestrator.OrchestratorSettings;
import dev.agentrt.topics.AgentrtTopics;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code agentrt orchestrator}: runs the agent loop (Kafka Streams, exactly-once) until stopped. */
@Command(name = "orchestrator", mixinStandardHelpOptions = true,
    description = "Run the orchestrator: the agent loop over the requests, inference-results and tool-results "
        + "topics, with exactly-once state (Kafka Streams). Stops cleanly on Ctrl-C.")
public final class OrchestratorCommand implements Callable<Integer> {

    @Mixin
    KafkaClientOptions kafka;

    @Option(names = "--state-dir", paramLabel = "DIR",
        description = "Where the local state stores live (default: ~/.agentrt/orchestrator).")
    Path stateDir;

    @Spec
    CommandSpec spec;

    private final GracefulStop stop = new GracefulStop("orchestrator", Duration.ofSeconds(40));

    @Override
    public Integer call() throws Exception {
        AgentrtTopics topics = kafka.topics();
        OrchestratorSettings settings = OrchestratorSettings.fromConfig(kafka.properties());
        Map<String, Object> config = kafka.clientConfig();
        Path dir = stateDir != null ? stateDir : Path.of(System.getProperty("user.home"), ".agentrt", "orchestrator");
        var props = OrchestratorConfig.streamsProperties(kafka.bootstrap(), dir, config);
        var out = spec.commandLine().getOut();
        try (var orchestrator = new Orchestrator(topics, settings, props, Clock.systemUTC()).start()) {
            // Ctrl-C: let the main thread close Kafka Streams (commit, flush) before the JVM exits.
            stop.arm();
            if (!orchestrator.awaitRunning(Duration.ofSeconds(60))) {
                spec.commandLine().getErr().println("agentrt orchestrator: not running after 60 s (state "
                    + orchestrator.state() + "); is Kafka reachable at " + kafka.bootstrap() + "?");
                return 1;
            }
            out.println("orchestrator running against " + kafka.bootstrap() + " (topics " + topics.prefix() + "*); Ctrl-C stops it");
            out.flush();
            stop.awaitStopRequest();
        } finally {
            stop.closed();
        }
        out.println("orchestrator stopped");
        out.flush();
        return 0;
    }

    /** Lets tests stop a running command. */
    public void stop() {
        stop.requestStop();
    }
}
