package dev.agentrt.cli.eval;

import dev.agentrt.avro.ConversationRequest;
import dev.agentrt.avro.ConversationResponse;
import dev.agentrt.avro.HarmonyMessage;
import dev.agentrt.avro.TranscriptEvent;
import dev.agentrt.cli.client.ConversationFollower;
import dev.agentrt.serde.AgentrtSerdes;
import dev.agentrt.topics.AgentrtTopics;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Runs cases through the real loop on Kafka: each case is submitted as a conversation to the requests topic (up to
 * {@code maxBatch} at a time, so that a case's deadline starts when it is submitted) and followed on the transcript
 * and responses topics, committed records only, as any client sees it. Needs an orchestrator, a worker and a tool
 * executor on the topics ({@code agentrt eval --through-kafka} starts them in process).
 */
public final class KafkaRunner {

    /** How long after its deadline a case's response may still come before the case counts as timed out. */
    static final Duration GRACE = Duration.ofSeconds(30);

    private final Map<String, Object> client;
    private final AgentrtTopics topics;
    private final EvalSettings settings;
    private final Clock clock;
    private final PrintWriter log;

    /** {@code client}: Kafka client settings including {@code bootstrap.servers}; {@code log} hears of oddities. */
    public KafkaRunner(Map<String, Object> client, AgentrtTopics topics, EvalSettings settings, Clock clock,
                       PrintWriter log) {
        this.client = Map.copyOf(client);
        this.topics = topics;
        this.settings = settings;
        this.clock = clock;
        this.log = log;
    }

    /** A submitted case. */
    private static final class Submitted {
        final int index;
        final EvalCase evalCase;
        final String conversationId;
        final long submittedNanos = System.nanoTime();
        final TreeMap<Long, HarmonyMessage> transcript = new TreeMap<>();
        ConversationResponse response;
        CaseRun.Problem problem;
        long wallNanos;

        Submitted(int index, EvalCase evalCase, String conversationId) {
            this.index = index;
            this.evalCase = evalCase;
            this.conversationId = conversationId;
        }

        CaseRun run() {
            return new CaseRun(evalCase, conversationId, new ArrayList<>(transcript.values()), response, problem,
                wallNanos);
        }
    }

    /**
     * Runs every case; {@code onFinished} hears of each as its response arrives (its transcript may still lack its
     * last messages then: the topics are separate logs). Returns the runs, complete, in the cases' order.
     */
    public List<CaseRun> run(List<EvalCase> cases, Consumer<CaseRun> onFinished) throws Exception {
        Map<String, Submitted> all = new HashMap<>();
        Map<String, Submitted> inFlight = new LinkedHashMap<>();
        long wait = settings.timeout().plus(GRACE).toNanos();
        int problems = 0;
        Map<String, Object> p = new HashMap<>(client);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        try (var follower = ConversationFollower.fromNow(client, topics, null, false);
             var producer = new KafkaProducer<>(p, new StringSerializer(),
                 AgentrtSerdes.conversationRequest().serializer())) {
            int next = 0;
            while (next < cases.size() || !inFlight.isEmpty()) {
                while (inFlight.size() < settings.maxBatch() && next < cases.size()) {
                    ConversationRequest request = settings.request(cases.get(next), clock);
                    var s = new Submitted(next, cases.get(next), request.getConversationId());
                    producer.send(new ProducerRecord<>(topics.requests(), s.conversationId, request)).get();
                    all.put(s.conversationId, s);
                    inFlight.put(s.conversationId, s);
                    next++;
                }
                for (var seen : follower.poll(Duration.ofMillis(100))) {
                    if (seen.problem() != null) {
                        problems++;
                        continue;
                    }
                    if (seen.transcript() != null) {
                        TranscriptEvent t = seen.transcript();
                        Submitted s = all.get(t.getConversationId());
                        if (s != null) s.transcript.put(t.getSequence(), t.getMessage());
                    } else if (seen.response() != null) {
                        Submitted s = inFlight.remove(seen.response().getConversationId());
                        if (s != null) {
                            s.response = seen.response();
                            s.wallNanos = System.nanoTime() - s.submittedNanos;
                            onFinished.accept(s.run());
                        }
                    }
                }
                long now = System.nanoTime();
                for (var it = inFlight.values().iterator(); it.hasNext(); ) {
                    Submitted s = it.next();
                    if (now - s.submittedNanos > wait) {
                        it.remove();
                        s.wallNanos = now - s.submittedNanos;
                        s.problem = new CaseRun.Problem(FailureKind.TIMEOUT, "no response within "
                            + settings.timeout().plus(GRACE) + " of submitting conversation " + s.conversationId);
                        onFinished.accept(s.run());
                    }
                }
            }
            // The responses were read; the transcripts may still hold a few committed messages.
            for (var seen : follower.drainToEnd(Duration.ofSeconds(10))) {
                if (seen.transcript() != null) {
                    Submitted s = all.get(seen.transcript().getConversationId());
                    if (s != null) s.transcript.put(seen.transcript().getSequence(), seen.transcript().getMessage());
                }
            }
        }
        if (problems > 0) {
            log.println("warning: " + problems + " records on the transcript and responses topics did not decode");
            log.flush();
        }
        var runs = new CaseRun[cases.size()];
        all.values().forEach(s -> runs[s.index] = s.run());
        return List.of(runs);
    }
}
