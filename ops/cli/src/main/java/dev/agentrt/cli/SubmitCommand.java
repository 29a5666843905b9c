package dev.agentrt.cli;

import dev.agentrt.avro.ConversationRequest;
import dev.agentrt.avro.ConversationResponse;
import dev.agentrt.avro.ConversationStatus;
import dev.agentrt.avro.ReasoningEffort;
import dev.agentrt.avro.ToolDefinition;
import dev.agentrt.cli.client.ConversationFollower;
import dev.agentrt.cli.client.ConversationPrinter;
import dev.agentrt.cli.client.RequestFactory;
import dev.agentrt.serde.AgentrtSerdes;
import dev.agentrt.topics.AgentrtTopics;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code agentrt submit "question"}: sends one conversation request; with {@code --wait}, follows it to the end. */
@Command(name = "submit", mixinStandardHelpOptions = true,
    description = "Submit a question as a new conversation. Prints its id; with --wait, prints the conversation as "
        + "it streams and exits 0 when it completes, 3 when it ends with another status.")
public final class SubmitCommand implements Callable<Integer> {

    @Mixin KafkaClientOptions kafka;

    @Parameters(index = "0", paramLabel = "QUESTION", description = "The user's message.")
    String question;

    @Option(names = "--tools", paramLabel = "FILE",
        description = "JSON array of function tools ({name, description, parameters}) offered besides the builtins.")
    Path toolsFile;

    @Option(names = "--no-builtin-tools", description = "Do not offer the builtin calculator, unit converter and clock.")
    boolean noBuiltins;

    @Option(names = "--python", description = "Offer the sandboxed python tool.")
    boolean python;

    @Option(names = "--effort", defaultValue = "medium", paramLabel = "low|medium|high",
        description = "Reasoning effort (default: ${DEFAULT-VALUE}).")
    String effort;

    @Option(names = "--instructions", description = "Developer instructions for the model.")
    String instructions;

    @Option(names = "--max-turns", defaultValue = "8") int maxTurns;
    @Option(names = "--max-output-tokens", defaultValue = "1024", description = "Per turn.") int maxOutputTokens;
    @Option(names = "--timeout", defaultValue = "PT5M", description = "Conversation deadline as ISO duration (default: ${DEFAULT-VALUE}).")
    Duration timeout;
    @Option(names = "--temperature", defaultValue = "0") float temperature;
    @Option(names = "--seed") Long seed;
    @Option(names = "--model", defaultValue = "gpt-oss") String model;

    @Option(names = "--wait", description = "Follow the conversation until it ends.")
    boolean await;

    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        AgentrtTopics topics = kafka.topics();
        Map<String, Object> clientConfig = kafka.clientConfig();

        List<ToolDefinition> tools = new ArrayList<>();
        if (!noBuiltins) tools.addAll(RequestFactory.builtinToolDefinitions());
        if (toolsFile != null) tools.addAll(RequestFactory.toolsFromFile(toolsFile));
        ConversationRequest request = RequestFactory.build(new RequestFactory.Ask(question, tools,
            python ? List.of("python") : List.of(), parseEffort(), instructions, maxTurns, maxOutputTokens, timeout,
            temperature, seed, model), Clock.systemUTC());
        var out = spec.commandLine().getOut();

        ConversationFollower follower = await
            ? ConversationFollower.fromNow(clientConfig, topics, request.getConversationId(), false)
            : null;
        try (follower) {
            send(clientConfig, topics, request);
            out.println("submitted " + request.getConversationId());
            out.flush();
            if (!await) return 0;
            ConversationResponse response = follow(follower, new ConversationPrinter(out),
                timeout.plusSeconds(30));
            if (response == null) {
                spec.commandLine().getErr().println("agentrt submit: no response within " + timeout.plusSeconds(30)
                    + "; are the orchestrator, a worker and the tool executor running?");
                return 1;
            }
            return response.getStatus() == ConversationStatus.COMPLETED ? 0 : 3;
        }
    }

    static ConversationResponse follow(ConversationFollower follower, ConversationPrinter printer, Duration limit) {
        long end = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < end) {
            ConversationResponse response = null;
            for (var seen : follower.poll(Duration.ofMillis(200))) {
                if (seen.transcript() != null) printer.message(seen.transcript());
                if (seen.response() != null) response = seen.response();
            }
            if (response != null) {
                // The topics are separate logs: print what the transcript still holds, then the answer.
                for (var late : follower.drainToEnd(Duration.ofSeconds(10))) {
                    if (late.transcript() != null) printer.message(late.transcript());
                }
                printer.response(response);
                return response;
            }
        }
        return null;
    }

    private ReasoningEffort parseEffort() {
        try {
            return ReasoningEffort.valueOf(effort.toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                "--effort must be low, medium or high, not '" + effort + "'");
        }
    }

    private static void send(Map<String, Object> clientConfig, AgentrtTopics topics, ConversationRequest request)
        throws Exception {
        Map<String, Object> p = new HashMap<>(clientConfig);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        try (var producer = new KafkaProducer<>(p, new StringSerializer(), AgentrtSerdes.conversationRequest().serializer())) {
            producer.send(new ProducerRecord<>(topics.requests(), request.getConversationId(), request)).get();
        }
    }
}
