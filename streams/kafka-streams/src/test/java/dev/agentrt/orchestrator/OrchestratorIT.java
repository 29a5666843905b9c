package dev.agentrt.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentrt.avro.ConversationResponse;
import dev.agentrt.avro.ConversationStatus;
import dev.agentrt.avro.DeadLetter;
import dev.agentrt.avro.InferenceRequest;
import dev.agentrt.avro.ToolCall;
import dev.agentrt.avro.ToolResultStatus;
import dev.agentrt.avro.TranscriptEvent;
import dev.agentrt.broker.TopicCreator;
import dev.agentrt.testkit.KafkaBootstrap;
import dev.agentrt.testkit.KafkaTest;
import dev.agentrt.topics.AgentrtTopics;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The orchestrator on a real broker, exactly-once on: the full loop, restarts, and bad input. */
@KafkaTest
class OrchestratorIT {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir Path stateRoot;

    private AgentrtTopics topics(String bootstrap) throws Exception {
        AgentrtTopics topics = AgentrtTopics.of("orch-" + UUID.randomUUID().toString().substring(0, 8) + ".", 2);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            TopicCreator.createMissing(admin, topics.newTopics(), WAIT);
        }
        return topics;
    }

    private Orchestrator start(String bootstrap, AgentrtTopics topics, String stateDir) throws Exception {
        return start(bootstrap, topics, stateDir, OrchestratorSettings.DEFAULTS);
    }

    private Orchestrator start(String bootstrap, AgentrtTopics topics, String stateDir, OrchestratorSettings settings)
        throws Exception {
        return start(bootstrap, topics, stateDir, settings, Map.of());
    }

    private Orchestrator start(String bootstrap, AgentrtTopics topics, String stateDir, OrchestratorSettings settings,
                               Map<String, Object> overrides) throws Exception {
        var user = new HashMap<String, Object>(overrides);
        user.put(StreamsConfig.APPLICATION_ID_CONFIG, topics.prefix() + "orchestrator");
        var props = OrchestratorConfig.streamsProperties(bootstrap, stateRoot.resolve(stateDir), user);
        var o = new Orchestrator(topics, settings, props, Clock.systemUTC()).start();
        assertThat(o.awaitRunning(WAIT)).as("orchestrator running").isTrue();
        return o;
    }

    @Test
    void conversationSurvivesAnOrchestratorRestartAndAnswersExactlyOnce(@KafkaBootstrap String bootstrap) throws Exception {
        AgentrtTopics topics = topics(bootstrap);
        String id = "conv-" + UUID.randomUUID();
        try (var io = new TopicIo(bootstrap);
             var inference = io.reader(topics.inference(), InferenceRequest.class);
             var toolCalls = io.reader(topics.toolCalls(), ToolCall.class);
             var responses = io.reader(topics.responses(), ConversationResponse.class);
             var transcript = io.reader(topics.transcript(), TranscriptEvent.class)) {

            try (var first = start(bootstrap, topics, "first")) {
                io.send(topics.requests(), id, Records.request(id, Instant.now(), null));
                assertThat(inference.next(WAIT).getTurn()).isEqualTo(1);
                io.send(topics.inferenceResults(), id,
                    Records.toolCallTurn(id, 1, "functions.calculate", "{\"expression\":\"6*7\"}", Instant.now()));
                ToolCall call = toolCalls.next(WAIT);
                assertThat(call.getCallId()).isEqualTo(id + "/1/1");
                io.send(topics.toolResults(), id,
                    Records.toolResult(call.getCallId(), id, 1, ToolResultStatus.OK, "{\"result\":42}", Instant.now()));
                assertThat(inference.next(WAIT).getTurn()).isEqualTo(2);
            }

            // A new instance with an empty local state directory: the state comes back from the changelog.
            try (var second = start(bootstrap, topics, "second")) {
                // A redelivered (duplicate) tool result must not start a third turn.
                io.send(topics.toolResults(), id,
                    Records.toolResult(id + "/1/1", id, 1, ToolResultStatus.OK, "{\"result\":42}", Instant.now()));
                io.send(topics.inferenceResults(), id, Records.finalTurn(id, 2, "6 × 7 = 42.", Instant.now()));
                ConversationResponse response = responses.next(WAIT);
                assertThat(response.getStatus()).isEqualTo(ConversationStatus.COMPLETED);
                assertThat(response.getTurns()).isEqualTo(2);
                assertThat(responses.drain(Duration.ofSeconds(2))).as("exactly one response").isEmpty();
                assertThat(inference.drain(Duration.ofMillis(500))).as("no third turn").isEmpty();
            }
            assertThat(transcript.next(5, WAIT)).extracting(TranscriptEvent::getSequence)
                .containsExactly(0L, 1L, 2L, 3L, 4L);
        }
    }

    /**
     * With a commit interval of ten minutes, every command someone waits for still becomes visible to
     * read_committed readers at once: the orchestrator asks for the commit itself (CommitPacer).
     */
    @Test
    void awaitedCommandsAreCommittedWithoutWaitingForTheCommitInterval(@KafkaBootstrap String bootstrap) throws Exception {
        AgentrtTopics topics = topics(bootstrap);
        String id = "conv-" + UUID.randomUUID();
        Duration soon = Duration.ofSeconds(30);
        try (var io = new TopicIo(bootstrap);
             var inference = io.reader(topics.inference(), InferenceRequest.class);
             var toolCalls = io.reader(topics.toolCalls(), ToolCall.class);
             var responses = io.reader(topics.responses(), ConversationResponse.class);
             var orchestrator = start(bootstrap, topics, "paced", OrchestratorSettings.DEFAULTS,
                 Map.of(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, Duration.ofMinutes(10).toMillis(),
                     StreamsConfig.producerPrefix("transaction.timeout.ms"), (int) Duration.ofMinutes(12).toMillis()))) {
            io.send(topics.requests(), id, Records.request(id, Instant.now(), null));
            assertThat(inference.next(soon).getTurn()).isEqualTo(1);
            io.send(topics.inferenceResults(), id,
                Records.toolCallTurn(id, 1, "functions.calculate", "{\"expression\":\"6*7\"}", Instant.now()));
            ToolCall call = toolCalls.next(soon);
            io.send(topics.toolResults(), id,
                Records.toolResult(call.getCallId(), id, 1, ToolResultStatus.OK, "{\"result\":42}", Instant.now()));
            assertThat(inference.next(soon).getTurn()).isEqualTo(2);
            io.send(topics.inferenceResults(), id, Records.finalTurn(id, 2, "42.", Instant.now()));
            assertThat(responses.next(soon).getStatus()).isEqualTo(ConversationStatus.COMPLETED);
        }
    }

    @Test
    void badInputGoesToTheDeadLetterTopicAndTheLoopKeepsRunning(@KafkaBootstrap String bootstrap) throws Exception {
        AgentrtTopics topics = topics(bootstrap);
        String id = "conv-" + UUID.randomUUID();
        try (var io = new TopicIo(bootstrap);
             var dlq = io.reader(topics.dlq(), DeadLetter.class);
             var inference = io.reader(topics.inference(), InferenceRequest.class);
             var orchestrator = start(bootstrap, topics, "dlq", new OrchestratorSettings(256 * 1024,
                 Duration.ofHours(1), Duration.ofMillis(200), 64 * 1024, OrchestratorSettings.DEFAULTS.commitPacing()))) {
            io.sendRaw(topics.requests(), id, "garbage".getBytes()).get();
            io.sendRaw(topics.inferenceResults(), id, new byte[300 * 1024]).get();
            io.sendRaw(topics.toolResults(), id, new byte[] {(byte) 0xC3, 0x01, 0, 0, 0, 0, 0, 0, 0, 0}).get();
            var letters = dlq.next(3, WAIT);
            assertThat(letters).extracting(DeadLetter::getSourceTopic)
                .containsExactlyInAnyOrder(topics.requests(), topics.inferenceResults(), topics.toolResults());
            assertThat(letters).allSatisfy(l -> assertThat(l.getMessage()).isNotBlank());

            io.send(topics.requests(), id, Records.request(id, Instant.now(), null));
            assertThat(inference.next(WAIT).getConversationId()).isEqualTo(id);
        }
    }
}
