package dev.agentrt.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentrt.avro.ConversationResponse;
import dev.agentrt.avro.ConversationStatus;
import dev.agentrt.avro.DeadLetter;
import dev.agentrt.avro.DeadLetterReason;
import dev.agentrt.avro.InferenceRequest;
import dev.agentrt.avro.Role;
import dev.agentrt.avro.ToolCall;
import dev.agentrt.avro.ToolResultStatus;
import dev.agentrt.avro.TranscriptEvent;
import dev.agentrt.avro.TranscriptEventKind;
import dev.agentrt.serde.AgentrtSerdes;
import dev.agentrt.topics.AgentrtTopic;
import dev.agentrt.topics.AgentrtTopics;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The topology without a broker: record mapping, routing, dead letters and timers. */
class OrchestratorTopologyTest {

    static final String ID = "conv-42";

    /** A clock the test moves together with the driver's wall clock. */
    static final class TestClock extends Clock {
        Instant now = Instant.parse("2026-11-28T10:00:00Z");
        @Override public ZoneOffset getZone() { return ZoneOffset.UTC; }
        @Override public Clock withZone(java.time.ZoneId zone) { return this; }
        @Override public Instant instant() { return now; }
    }

    @TempDir Path stateDir;
    final AgentrtTopics topics = AgentrtTopics.defaults();
    final TestClock clock = new TestClock();
    TopologyTestDriver driver;
    TestInputTopic<String, byte[]> requests, results, toolResults;
    TestOutputTopic<String, InferenceRequest> inference;
    TestOutputTopic<String, ToolCall> toolCalls;
    TestOutputTopic<String, ConversationResponse> responses;
    TestOutputTopic<String, TranscriptEvent> transcript;
    TestOutputTopic<String, DeadLetter> dlq;

    @BeforeEach
    void start() {
        var props = OrchestratorConfig.streamsProperties("unused:9092", stateDir, Map.of());
        driver = new TopologyTestDriver(OrchestratorTopology.build(topics, OrchestratorSettings.DEFAULTS, clock), props,
            clock.now);
        requests = input(AgentrtTopic.REQUESTS);
        results = input(AgentrtTopic.INFERENCE_RESULTS);
        toolResults = input(AgentrtTopic.TOOL_RESULTS);
        inference = output(AgentrtTopic.INFERENCE, InferenceRequest.class);
        toolCalls = output(AgentrtTopic.TOOL_CALLS, ToolCall.class);
        responses = output(AgentrtTopic.RESPONSES, ConversationResponse.class);
        transcript = output(AgentrtTopic.TRANSCRIPT, TranscriptEvent.class);
        dlq = output(AgentrtTopic.DLQ, DeadLetter.class);
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    private TestInputTopic<String, byte[]> input(AgentrtTopic t) {
        return driver.createInputTopic(topics.name(t), Serdes.String().serializer(), Serdes.ByteArray().serializer());
    }

    private <T extends SpecificRecord> TestOutputTopic<String, T> output(AgentrtTopic t, Class<T> type) {
        return driver.createOutputTopic(topics.name(t), Serdes.String().deserializer(), AgentrtSerdes.of(type).deserializer());
    }

    private static <T extends SpecificRecord> byte[] bytes(T record) {
        @SuppressWarnings("unchecked")
        var ser = (org.apache.kafka.common.serialization.Serializer<T>) AgentrtSerdes.of(record.getClass()).serializer();
        return ser.serialize("t", record);
    }

    @Test
    void toolRoundTripThenFinalAnswer() {
        requests.pipeInput(ID, bytes(Records.request(ID, clock.now, null)));
        InferenceRequest turn1 = inference.readValue();
        assertThat(turn1.getRequestId()).isEqualTo(ID + "/1");
        assertThat(turn1.getTurn()).isEqualTo(1);
        assertThat(turn1.getModel()).isEqualTo("gpt-oss-20b");
        assertThat(turn1.getInstructions()).isEqualTo("Be brief.");
        assertThat(turn1.getTools()).hasSize(1);
        assertThat(turn1.getLimits().getMaxOutputTokens()).isEqualTo(512);
        assertThat(turn1.getMessages()).hasSize(1);

        results.pipeInput(ID, bytes(Records.toolCallTurn(ID, 1, "functions.calculate", "{\"expression\":\"17*23\"}", clock.now)));
        ToolCall call = toolCalls.readValue();
        assertThat(call.getCallId()).isEqualTo(ID + "/1/1");
        assertThat(call.getRecipient()).isEqualTo("functions.calculate");
        assertThat(call.getArguments()).isEqualTo("{\"expression\":\"17*23\"}");
        assertThat(call.getDeadline()).isEqualTo(clock.now.plusSeconds(5));

        toolResults.pipeInput(ID, bytes(Records.toolResult(call.getCallId(), ID, 1, ToolResultStatus.OK, "{\"result\":391}", clock.now)));
        InferenceRequest turn2 = inference.readValue();
        assertThat(turn2.getTurn()).isEqualTo(2);
        var toolMessage = turn2.getMessages().getLast();
        assertThat(toolMessage.getAuthor().getRole()).isEqualTo(Role.TOOL);
        assertThat(toolMessage.getAuthor().getName()).isEqualTo("functions.calculate");
        assertThat(toolMessage.getRecipient()).isEqualTo("assistant");
        assertThat(toolMessage.getChannel()).isEqualTo("commentary");

        results.pipeInput(ID, bytes(Records.finalTurn(ID, 2, "17 × 23 = 391.", clock.now)));
        ConversationResponse response = responses.readValue();
        assertThat(response.getStatus()).isEqualTo(ConversationStatus.COMPLETED);
        assertThat(response.getTurns()).isEqualTo(2);
        assertThat(response.getTenant()).isEqualTo("acme");
        assertThat(response.getClientMetadata()).containsEntry("trace", "t-1");
        assertThat(response.getUsage().getCompletionTokens()).isEqualTo(40);
        assertThat(((dev.agentrt.avro.TextContent) response.getFinalMessage().getContent().getFirst()).getText())
            .isEqualTo("17 × 23 = 391.");

        var events = transcript.readValuesToList();
        assertThat(events).extracting(TranscriptEvent::getSequence).containsExactly(0L, 1L, 2L, 3L, 4L);
        assertThat(events).extracting(TranscriptEvent::getKind).containsExactly(TranscriptEventKind.REQUEST_MESSAGE,
            TranscriptEventKind.MODEL_MESSAGE, TranscriptEventKind.MODEL_MESSAGE, TranscriptEventKind.TOOL_RESULT,
            TranscriptEventKind.MODEL_MESSAGE);
        assertThat(events.get(3).getCallId()).isEqualTo(ID + "/1/1");
        assertThat(dlq.isEmpty()).isTrue();
    }

    @Test
    void duplicatesAreAppliedOnce() {
        byte[] request = bytes(Records.request(ID, clock.now, null));
        requests.pipeInput(ID, request);
        requests.pipeInput(ID, request);
        byte[] turn = bytes(Records.toolCallTurn(ID, 1, "functions.calculate", "{}", clock.now));
        results.pipeInput(ID, turn);
        results.pipeInput(ID, turn);
        byte[] tool = bytes(Records.toolResult(ID + "/1/1", ID, 1, ToolResultStatus.OK, "1", clock.now));
        toolResults.pipeInput(ID, tool);
        toolResults.pipeInput(ID, tool);
        assertThat(inference.readValuesToList()).extracting(InferenceRequest::getTurn).containsExactly(1, 2);
        assertThat(toolCalls.readValuesToList()).hasSize(1);
        assertThat(responses.isEmpty()).isTrue();
    }

    @Test
    void badRecordsGoToTheDeadLetterTopicAndProcessingGoesOn() {
        requests.pipeInput(ID, "not avro at all".getBytes());
        // A valid record of the wrong type on the requests topic.
        requests.pipeInput(ID, bytes(Records.finalTurn(ID, 1, "x", clock.now)));
        requests.pipeInput(ID, new byte[OrchestratorSettings.DEFAULTS.maxInputRecordBytes() + 1]);
        requests.pipeInput((String) null, bytes(Records.request(ID, clock.now, null)));
        requests.pipeInput("other-key", bytes(Records.request(ID, clock.now, null)));
        results.pipeInput(ID, new byte[] {(byte) 0xC3, 0x01, 1, 2});
        toolResults.pipeInput(ID, (byte[]) null);

        var letters = dlq.readValuesToList();
        assertThat(letters).extracting(DeadLetter::getReason).containsExactly(
            DeadLetterReason.VALUE_DESERIALIZATION, DeadLetterReason.VALUE_DESERIALIZATION,
            DeadLetterReason.INVALID_RECORD, DeadLetterReason.INVALID_RECORD, DeadLetterReason.INVALID_RECORD,
            DeadLetterReason.VALUE_DESERIALIZATION, DeadLetterReason.INVALID_RECORD);
        assertThat(letters.get(0).getSourceTopic()).isEqualTo(topics.name(AgentrtTopic.REQUESTS));
        assertThat(letters.get(0).getSourceOffset()).isZero();
        assertThat(letters.get(0).getValue().array()).isEqualTo("not avro at all".getBytes());
        assertThat(letters.get(1).getMessage()).contains("InferenceResult");
        assertThat(letters.get(2).getMessage()).contains("over the limit").contains("keeps the first 65536");
        assertThat(letters.get(3).getMessage()).contains("no key");
        assertThat(letters.get(4).getMessage()).contains("differs from its conversation id");
        assertThat(letters.get(5).getSourceTopic()).isEqualTo(topics.name(AgentrtTopic.INFERENCE_RESULTS));
        assertThat(letters.get(6).getMessage()).contains("tombstone");

        // Still processing.
        requests.pipeInput(ID, bytes(Records.request(ID, clock.now, null)));
        assertThat(inference.readValue().getTurn()).isEqualTo(1);
    }

    @Test
    void deadlineFiresFromTheWallClock() {
        requests.pipeInput(ID, bytes(Records.request(ID, clock.now, clock.now.plusSeconds(30))));
        inference.readValue();
        advance(Duration.ofSeconds(29));
        assertThat(responses.isEmpty()).isTrue();
        advance(Duration.ofSeconds(2));
        ConversationResponse r = responses.readValue();
        assertThat(r.getStatus()).isEqualTo(ConversationStatus.DEADLINE);
        assertThat(r.getError()).contains("deadline");
        // A late answer changes nothing.
        results.pipeInput(ID, bytes(Records.finalTurn(ID, 1, "late", clock.now)));
        assertThat(responses.isEmpty()).isTrue();
    }

    /**
     * Timers are looked at when the earliest one is due, not on a beat (under exactly-once every punctuation costs a
     * transaction): with an hour-long safety net a 30 s deadline still fires at 30 s, and a tool timeout set later
     * (5 s) moves the next look earlier.
     */
    @Test
    void timersFireWhenDueWhateverTheSafetyNetInterval() {
        driver.close();
        var settings = new OrchestratorSettings(OrchestratorSettings.DEFAULTS.maxInputRecordBytes(),
            OrchestratorSettings.DEFAULTS.finishedRetention(), Duration.ofHours(1),
            OrchestratorSettings.DEFAULTS.dlqValueCapBytes(), OrchestratorSettings.DEFAULTS.commitPacing());
        driver = new TopologyTestDriver(OrchestratorTopology.build(topics, settings, clock),
            OrchestratorConfig.streamsProperties("unused:9092", stateDir, Map.of()), clock.now);
        requests = input(AgentrtTopic.REQUESTS);
        results = input(AgentrtTopic.INFERENCE_RESULTS);
        responses = output(AgentrtTopic.RESPONSES, ConversationResponse.class);

        requests.pipeInput("d1", bytes(Records.request("d1", clock.now, clock.now.plusSeconds(30))));
        advance(Duration.ofMillis(29_900));
        assertThat(responses.isEmpty()).isTrue();
        advance(Duration.ofMillis(200));
        assertThat(responses.readValue().getStatus()).isEqualTo(ConversationStatus.DEADLINE);

        requests.pipeInput("t1", bytes(Records.request("t1", clock.now, clock.now.plusSeconds(600))));
        results.pipeInput("t1", bytes(Records.toolCallTurn("t1", 1, "functions.calculate", "{}", clock.now)));
        advance(Duration.ofMillis(4_900));
        assertThat(responses.isEmpty()).isTrue();
        advance(Duration.ofMillis(200));
        assertThat(responses.readValue().getStatus()).isEqualTo(ConversationStatus.TOOL_TIMEOUT);
    }

    @Test
    void silentToolTimesOut() {
        requests.pipeInput(ID, bytes(Records.request(ID, clock.now, null)));
        results.pipeInput(ID, bytes(Records.toolCallTurn(ID, 1, "functions.calculate", "{}", clock.now)));
        advance(Duration.ofSeconds(6));
        ConversationResponse r = responses.readValue();
        assertThat(r.getStatus()).isEqualTo(ConversationStatus.TOOL_TIMEOUT);
    }

    @Test
    void finishedConversationsAreForgottenAfterTheRetention() {
        requests.pipeInput(ID, bytes(Records.request(ID, clock.now, null)));
        results.pipeInput(ID, bytes(Records.finalTurn(ID, 1, "done", clock.now)));
        assertThat(responses.readValue().getStatus()).isEqualTo(ConversationStatus.COMPLETED);
        var store = driver.getKeyValueStore(OrchestratorTopology.CONVERSATIONS_STORE);
        assertThat(store.get(ID)).isNotNull();
        advance(Duration.ofHours(25));
        assertThat(store.get(ID)).isNull();
    }

    @Test
    void requestWithSystemContentInMessagesIsRejectedWithAReason() {
        var request = Records.request(ID, clock.now, null);
        request.setMessages(java.util.List.of(dev.agentrt.avro.HarmonyMessage.newBuilder()
            .setAuthor(new dev.agentrt.avro.Author(Role.SYSTEM, null))
            .setContent(java.util.List.of(dev.agentrt.avro.SystemContent.newBuilder().build())).build()));
        requests.pipeInput(ID, bytes(request));
        ConversationResponse r = responses.readValue();
        assertThat(r.getStatus()).isEqualTo(ConversationStatus.INVALID_REQUEST);
        assertThat(r.getError()).contains("request's fields");
    }

    private void advance(Duration d) {
        clock.now = clock.now.plus(d);
        driver.advanceWallClockTime(d);
    }
}
