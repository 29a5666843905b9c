package dev.agentrt.cli;

import dev.agentrt.avro.ConversationRequest;
import dev.agentrt.avro.ConversationResponse;
import dev.agentrt.avro.ReasoningEffort;
import dev.agentrt.cli.client.ConversationFollower;
import dev.agentrt.cli.client.ConversationPrinter;
import dev.agentrt.cli.client.RequestFactory;
import dev.agentrt.cli.demo.DefaultModel;
import dev.agentrt.cli.demo.LocalStack;
import dev.agentrt.serde.AgentrtSerdes;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code agentrt demo}: the whole runtime in one JVM (embedded broker, orchestrator, worker, tool executor), one
 * sample task that offers the builtin tools, the conversation printed as it streams, then exit.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Run everything in one JVM (embedded Kafka, orchestrator, CPU worker, tool executor), submit one "
        + "task that offers the builtin tools, print the conversation as it streams and exit: 0 when the "
        + "conversation ended (completed, or with the explicit status the loop gave), 1 when it could not run.")
public final class DemoCommand implements Callable<Integer> {

    static final String SAMPLE = "What is 17.5 multiplied by 23?";

    @Option(names = "--model", paramLabel = "DIR",
        description = "Checkpoint directory (default: the bundled demo model, unpacked on first use).")
    Path model;

    @Option(names = "--prompt", description = "The user's question (default: \"" + SAMPLE + "\").")
    String prompt;

    @Option(names = "--effort", defaultValue = "low", description = "low, medium or high (default: ${DEFAULT-VALUE}).")
    String effort;

    @Option(names = "--max-output-tokens", defaultValue = "128", paramLabel = "N",
        description = "Per model turn (default: ${DEFAULT-VALUE}).")
    int maxOutputTokens;

    @Option(names = "--max-turns", defaultValue = "4") int maxTurns;

    @Option(names = "--timeout", defaultValue = "PT3M", description = "Conversation deadline (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        var out = spec.commandLine().getOut();
        Path modelDir = model;
        if (modelDir == null) {
            modelDir = DefaultModel.resolve(out);
        }
        long t0 = System.nanoTime();
        try (var stack = LocalStack.start(new LocalStack.Options(modelDir, 0, 4, 4096, null), out)) {
            out.printf(Locale.ROOT, "ready in %.1f s: Kafka at %s, sandbox tier %s%n%n",
                (System.nanoTime() - t0) / 1e9, stack.bootstrap(), stack.sandboxTier());
            ConversationRequest request = RequestFactory.build(new RequestFactory.Ask(
                prompt != null ? prompt : SAMPLE, RequestFactory.builtinToolDefinitions(), List.of(),
                ReasoningEffort.valueOf(effort.toUpperCase(Locale.ROOT)), null, maxTurns, maxOutputTokens, timeout,
                0f, 7L, "gpt-oss"), Clock.systemUTC());
            Map<String, Object> client = new HashMap<>(Map.of("bootstrap.servers", stack.bootstrap()));
            try (var follower = ConversationFollower.fromNow(client, stack.topics(), request.getConversationId(), false)) {
                send(client, stack.topics().requests(), request);
                out.println("conversation " + request.getConversationId());
                long started = System.nanoTime();
                ConversationResponse response = SubmitCommand.follow(follower, new ConversationPrinter(out),
                    timeout.plusSeconds(30));
                if (response == null) {
                    spec.commandLine().getErr().println("agentrt demo: no response within " + timeout.plusSeconds(30));
                    return 1;
                }
                long endToEndMs = (System.nanoTime() - started) / 1_000_000;
                out.printf(Locale.ROOT, "conversation took %.1f s end to end; status %s%n", endToEndMs / 1e3,
                    response.getStatus());
                out.println(dev.agentrt.cli.demo.TimeSplit.measure(client, stack.topics(), request.getConversationId(),
                    endToEndMs).describe());
                out.flush();
                return 0;
            }
        }
    }

    private static void send(Map<String, Object> client, String topic, ConversationRequest request) throws Exception {
        Map<String, Object> p = new HashMap<>(client);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        try (var producer = new KafkaProducer<>(p, new StringSerializer(), AgentrtSerdes.conversationRequest().serializer())) {
            producer.send(new ProducerRecord<>(topic, request.getConversationId(), request)).get();
        }
    }
}
