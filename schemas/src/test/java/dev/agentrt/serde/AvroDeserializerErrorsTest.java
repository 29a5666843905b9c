package dev.agentrt.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentrt.avro.ToolResult;
import dev.agentrt.avro.testing.SampleRecords;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class AvroDeserializerErrorsTest {

  private static final String TOPIC = "agentrt.tool-results";
  private final AvroDeserializer<ToolResult> deserializer = AgentrtSerdes.toolResult().deserializer();
  private final byte[] valid = AgentrtSerdes.toolResult().serializer().serialize(TOPIC, SampleRecords.toolResult());

  @Test
  void wrongMagicIsNamedWithTheBytesFound() {
    byte[] json = "{\"callId\":\"conv/1/1\",\"status\":\"OK\"}".getBytes(StandardCharsets.UTF_8);

    assertThatThrownBy(() -> deserializer.deserialize(TOPIC, json))
        .isInstanceOf(SerializationException.class)
        .hasMessageStartingWith("Cannot deserialize dev.agentrt.avro.ToolResult from topic 'agentrt.tool-results': ")
        .hasMessageContaining("not Avro single-object encoding: expected marker c301, found 7b22");
  }

  @Test
  void aHeaderShorterThanTenBytesIsATruncatedHeader() {
    byte[] shortHeader = Arrays.copyOf(valid, 6);

    assertThatThrownBy(() -> deserializer.deserialize(TOPIC, shortHeader))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("ToolResult")
        .hasMessageContaining("truncated header: 6 bytes");
    assertThatThrownBy(() -> deserializer.deserialize(TOPIC, new byte[0]))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("truncated header: 0 bytes")
        .hasMessageContaining("(empty)");
  }

  @Test
  void aTruncatedBodyIsReportedWithItsCause() {
    byte[] truncated = Arrays.copyOf(valid, valid.length - 7);

    assertThatThrownBy(() -> deserializer.deserialize(TOPIC, truncated))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("dev.agentrt.avro.ToolResult")
        .hasMessageContaining(TOPIC)
        .hasMessageContaining("body truncated or corrupt")
        .cause().isNotNull();
  }

  @Test
  void bytesLeftAfterTheRecordAreCorruption() {
    byte[] padded = Arrays.copyOf(valid, valid.length + 3);

    assertThatThrownBy(() -> deserializer.deserialize(TOPIC, padded))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("bytes left after the record");
  }

  @Test
  void aRecordOfAnotherTypeIsNamedAsSuch() {
    byte[] toolCall = AgentrtSerdes.toolCall().serializer().serialize("agentrt.tool-calls", SampleRecords.toolCall());

    assertThatThrownBy(() -> deserializer.deserialize(TOPIC, toolCall))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("Cannot deserialize dev.agentrt.avro.ToolResult from topic 'agentrt.tool-results'")
        .hasMessageContaining("the bytes hold a dev.agentrt.avro.ToolCall (released v1")
        .hasMessageContaining("wrong topic or wrong serde?");
  }

  @Test
  void anUnknownFingerprintListsTheKnownOnes() throws Exception {
    Schema foreign = SchemaBuilder.record("ToolResult").namespace("dev.agentrt.avro").fields()
        .requiredString("callId").endRecord();
    GenericRecord record = new GenericData.Record(foreign);
    record.put("callId", "x");
    byte[] bytes = toArray(new BinaryMessageEncoder<GenericRecord>(GenericData.get(), foreign).encode(record));

    assertThatThrownBy(() -> deserializer.deserialize(TOPIC, bytes))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("unknown writer schema fingerprint " + fingerprintHex(bytes))
        .hasMessageContaining("known ToolResult schemas: ")
        .hasMessageContaining("current=" + littleEndianHex(SchemaNormalization.parsingFingerprint64(ToolResult.getClassSchema())))
        .hasMessageMatching(".*\\bv1[/=].*");
  }

  @Test
  void theConsumerRecordVariantNamesPartitionAndOffset() {
    byte[] garbage = {0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a};
    ConsumerRecord<byte[], byte[]> record = new ConsumerRecord<>(TOPIC, 3, 41L, "conv".getBytes(), garbage);

    assertThatThrownBy(() -> deserializer.deserialize(record))
        .isInstanceOf(SerializationException.class)
        .hasMessageStartingWith("Cannot deserialize dev.agentrt.avro.ToolResult from topic 'agentrt.tool-results' "
            + "partition 3 offset 41: not Avro single-object encoding");
  }

  @Test
  void theConsumerRecordVariantDecodesAValidRecord() {
    ConsumerRecord<byte[], byte[]> record = new ConsumerRecord<>(TOPIC, 0, 0L, null, valid);

    assertThat(deserializer.deserialize(record)).isEqualTo(SampleRecords.toolResult());
  }

  private static byte[] toArray(ByteBuffer buffer) {
    byte[] bytes = new byte[buffer.remaining()];
    buffer.get(bytes);
    return bytes;
  }

  private static String littleEndianHex(long fingerprint) {
    return java.util.HexFormat.of().formatHex(
        ByteBuffer.allocate(8).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(fingerprint).array());
  }

  private static String fingerprintHex(byte[] bytes) {
    return java.util.HexFormat.of().formatHex(bytes, 2, 10);
  }

}
