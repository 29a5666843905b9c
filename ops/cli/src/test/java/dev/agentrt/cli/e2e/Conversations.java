package dev.agentrt.cli.e2e;

import dev.agentrt.avro.ConversationLimits;
import dev.agentrt.avro.ConversationRequest;
import dev.agentrt.avro.ConversationResponse;
import dev.agentrt.avro.ReasoningEffort;
import dev.agentrt.avro.TextContent;
import dev.agentrt.avro.TokenDelta;
import dev.agentrt.avro.ToolDefinition;
import dev.agentrt.avro.TranscriptEvent;
import dev.agentrt.cli.client.ConversationFollower;
import dev.agentrt.cli.client.RequestFactory;
import dev.agentrt.cli.demo.LocalStack;
import dev.agentrt.serde.AgentrtSerdes;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/** Submits conversations to a {@link LocalStack} and collects what the client sees of them. */
final class Conversations implements AutoCloseable {

    /** A finished conversation: its response, its transcript by sequence and (when followed) its token deltas. */
    record Finished(ConversationResponse response, List<TranscriptEvent> transcript, List<TokenDelta> deltas) {}

    private final LocalStack stack;
    private final Map<String, Object> client;
    private final KafkaProducer<String, ConversationRequest> producer;

    Conversations(LocalStack stack) {
        this.stack = stack;
        this.client = Map.of("bootstrap.servers", stack.bootstrap());
        Map<String, Object> p = new HashMap<>(client);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        producer = new KafkaProducer<>(p, new StringSerializer(), AgentrtSerdes.conversationRequest().serializer());
    }

    /** A request as the CLI builds it (effort low, seed 7); {@code limits} adjusts its limits. */
    static ConversationRequest request(String question, List<ToolDefinition> tools, int maxTurns, int maxOutputTokens,
                                       Duration timeout, UnaryOperator<ConversationLimits> limits) {
        ConversationRequest r = RequestFactory.build(new RequestFactory.Ask(question, tools, List.of(),
            ReasoningEffort.LOW, null, maxTurns, maxOutputTokens, timeout, 0f, 7L, "gpt-oss"), Clock.systemUTC());
        r.setLimits(limits.apply(r.getLimits()));
        return r;
    }

    /** Submits {@code request} and follows it until its response; then reads what the other topics still hold. */
    Finished run(ConversationRequest request, boolean withDeltas, Duration limit) throws Exception {
        String id = request.getConversationId();
        try (var follower = ConversationFollower.fromNow(client, stack.topics(), id, withDeltas)) {
            producer.send(new ProducerRecord<>(stack.topics().requests(), id, request)).get();
            var seen = new ArrayList<ConversationFollower.Seen>();
            long end = System.nanoTime() + limit.toNanos();
            ConversationResponse response = null;
            while (response == null && System.nanoTime() < end) {
                for (var s : follower.poll(Duration.ofMillis(100))) {
                    seen.add(s);
                    if (s.response() != null) response = s.response();
                }
            }
            if (response == null) throw new AssertionError("no response for " + id + " within " + limit);
            seen.addAll(follower.drainToEnd(Duration.ofSeconds(10)));
            var problems = seen.stream().filter(s -> s.problem() != null).map(ConversationFollower.Seen::problem).toList();
            if (!problems.isEmpty()) throw new AssertionError("undecodable records: " + problems);
            long responses = seen.stream().filter(s -> s.response() != null).count();
            if (responses != 1) throw new AssertionError(responses + " responses for " + id);
            var transcript = seen.stream().map(ConversationFollower.Seen::transcript).filter(t -> t != null)
                .sorted(Comparator.comparingLong(TranscriptEvent::getSequence)).toList();
            var deltas = seen.stream().map(ConversationFollower.Seen::delta).filter(d -> d != null).toList();
            return new Finished(response, transcript, deltas);
        }
    }

    static String text(dev.agentrt.avro.HarmonyMessage m) {
        var sb = new StringBuilder();
        for (Object c : m.getContent()) {
            if (c instanceof TextContent t) sb.append(t.getText());
        }
        return sb.toString();
    }

    @Override
    public void close() {
        producer.close();
    }
}
