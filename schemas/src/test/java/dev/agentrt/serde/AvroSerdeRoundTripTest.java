package dev.agentrt.serde;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentrt.avro.HarmonyMessage;
import dev.agentrt.avro.testing.SampleRecords;
import dev.agentrt.topics.AgentrtTopic;
import dev.agentrt.topics.AgentrtTopics;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class AvroSerdeRoundTripTest {

  private static final AgentrtTopics TOPICS = AgentrtTopics.defaults();

  static Stream<Arguments> topicSamples() {
    List<SpecificRecord> samples = SampleRecords.oneOfEachTopicType();
    AgentrtTopic[] topics = AgentrtTopic.values();
    return java.util.stream.IntStream.range(0, topics.length).mapToObj(i -> Arguments.of(topics[i], samples.get(i)));
  }

  @Test
  void everyTopicHasASample() {
    assertThat(SampleRecords.oneOfEachTopicType()).extracting(Object::getClass)
        .containsExactlyElementsOf(Arrays.stream(AgentrtTopic.values()).map(AgentrtTopic::valueType).toList());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("topicSamples")
  void everyTopicRecordRoundTripsThroughItsTopicSerde(AgentrtTopic topic, SpecificRecord sample) {
    @SuppressWarnings("unchecked")
    Serde<SpecificRecord> serde = (Serde<SpecificRecord>) (Serde<?>) AgentrtSerdes.value(topic);
    String name = TOPICS.name(topic);

    byte[] bytes = serde.serializer().serialize(name, sample);
    SpecificRecord back = serde.deserializer().deserialize(name, bytes);

    assertThat(back).isEqualTo(sample).isNotSameAs(sample);
    assertSingleObjectHeader(bytes, sample);
  }

  @Test
  void everyHarmonyMessageShapeRoundTrips() {
    AvroSerde<HarmonyMessage> serde = AgentrtSerdes.harmonyMessage();
    for (HarmonyMessage message : List.of(SampleRecords.systemMessage(), SampleRecords.developerMessage(),
        SampleRecords.userMessage(), SampleRecords.analysisMessage(), SampleRecords.toolCallMessage(),
        SampleRecords.toolResultMessage(), SampleRecords.finalMessage())) {
      byte[] bytes = serde.serializer().serialize("state", message);
      assertThat(serde.deserializer().deserialize("state", bytes)).isEqualTo(message);
    }
  }

  @Test
  void nullIsATombstoneBothWays() {
    AvroSerde<dev.agentrt.avro.ToolCall> serde = AgentrtSerdes.toolCall();
    assertThat(serde.serializer().serialize("t", null)).isNull();
    assertThat(serde.deserializer().deserialize("t", null)).isNull();
  }

  @Test
  void typedAccessorsReturnTheCachedSerdeOfTheirType() {
    assertThat(AgentrtSerdes.toolCall()).isSameAs(AgentrtSerdes.of(dev.agentrt.avro.ToolCall.class))
        .isSameAs(AgentrtSerdes.value(AgentrtTopic.TOOL_CALLS));
    assertThat(AgentrtSerdes.conversationRequest().type()).isEqualTo(dev.agentrt.avro.ConversationRequest.class);
    assertThat(AgentrtSerdes.inferenceRequest().type()).isEqualTo(dev.agentrt.avro.InferenceRequest.class);
    assertThat(AgentrtSerdes.inferenceResult().type()).isEqualTo(dev.agentrt.avro.InferenceResult.class);
    assertThat(AgentrtSerdes.toolResult().type()).isEqualTo(dev.agentrt.avro.ToolResult.class);
    assertThat(AgentrtSerdes.conversationResponse().type()).isEqualTo(dev.agentrt.avro.ConversationResponse.class);
    assertThat(AgentrtSerdes.transcriptEvent().type()).isEqualTo(dev.agentrt.avro.TranscriptEvent.class);
    assertThat(AgentrtSerdes.tokenDelta().type()).isEqualTo(dev.agentrt.avro.TokenDelta.class);
    assertThat(AgentrtSerdes.deadLetter().type()).isEqualTo(dev.agentrt.avro.DeadLetter.class);
    assertThat(AgentrtSerdes.key().deserializer().deserialize("t",
        AgentrtSerdes.key().serializer().serialize("t", SampleRecords.CONVERSATION_ID)))
        .isEqualTo(SampleRecords.CONVERSATION_ID);
  }

  /** C3 01, then the little-endian CRC-64-AVRO fingerprint of the schema the record was written with. */
  private static void assertSingleObjectHeader(byte[] bytes, SpecificRecord sample) {
    assertThat(bytes[0]).isEqualTo((byte) 0xC3);
    assertThat(bytes[1]).isEqualTo((byte) 0x01);
    long fingerprint = ByteBuffer.wrap(bytes, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    assertThat(fingerprint).isEqualTo(SchemaNormalization.parsingFingerprint64(sample.getSchema()));
  }
}
