package dev.agentrt.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentrt.avro.TokenDelta;
import dev.agentrt.avro.testing.SampleRecords;
import java.nio.ByteBuffer;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

/** A record written by an older producer (test-only release v0) is read by the current class. */
class OlderWriterTest {

  private static final String ROOT = "agentrt-test/older-release";
  private static final String TOPIC = "agentrt.deltas";

  private final ReleasedSchemas older = ReleasedSchemas.fromClasspath(ROOT, getClass().getClassLoader());
  private final Schema v0 = older.versionsOf(TokenDelta.class.getName()).getFirst().schema();

  @Test
  void theTestReleaseReallyLacksTheNewerFields() {
    assertThat(older.versions()).containsExactly("v0");
    assertThat(v0.getFields()).extracting(Schema.Field::name)
        .containsExactly("conversationId", "turn", "sequence", "textDelta", "emittedAt");
  }

  @Test
  void anOlderWriterIsReadWithTheDefaultsOfTheMissingFields() throws Exception {
    byte[] bytes = writeWithV0();

    TokenDelta delta = new AvroDeserializer<>(TokenDelta.class, older).deserialize(TOPIC, bytes);

    assertThat(delta.getConversationId()).isEqualTo(SampleRecords.CONVERSATION_ID);
    assertThat(delta.getTurn()).isEqualTo(2);
    assertThat(delta.getSequence()).isEqualTo(5L);
    assertThat(delta.getTextDelta()).isEqualTo(" sunny and");
    assertThat(delta.getEmittedAt()).isEqualTo(SampleRecords.T0);
    // Fields v0 did not have take their schema defaults.
    assertThat(delta.getAttempt()).isEqualTo(1);
    assertThat(delta.getMessageIndex()).isZero();
    assertThat(delta.getChannel()).isNull();
    assertThat(delta.getRecipient()).isNull();
    assertThat(delta.getTokenIds()).isEmpty();
  }

  @Test
  void aDecoderThatWasNotToldAboutTheOlderWriterRejectsItClearly() throws Exception {
    byte[] bytes = writeWithV0();
    AvroDeserializer<TokenDelta> bundledOnly = new AvroDeserializer<>(TokenDelta.class);

    assertThatThrownBy(() -> bundledOnly.deserialize(TOPIC, bytes))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("dev.agentrt.avro.TokenDelta")
        .hasMessageContaining("unknown writer schema fingerprint");

    bundledOnly.addWriterSchema(v0);
    assertThat(bundledOnly.deserialize(TOPIC, bytes).getTextDelta()).isEqualTo(" sunny and");
  }

  @Test
  void aWriterSchemaOfAnotherTypeCannotBeAdded() {
    AvroDeserializer<TokenDelta> deserializer = new AvroDeserializer<>(TokenDelta.class);
    Schema other = dev.agentrt.avro.ToolCall.getClassSchema();

    assertThatThrownBy(() -> deserializer.addWriterSchema(other))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("dev.agentrt.avro.ToolCall cannot be read as dev.agentrt.avro.TokenDelta");
  }

  private byte[] writeWithV0() throws java.io.IOException {
    GenericRecord record = new GenericData.Record(v0);
    record.put("conversationId", SampleRecords.CONVERSATION_ID);
    record.put("turn", 2);
    record.put("sequence", 5L);
    record.put("textDelta", " sunny and");
    record.put("emittedAt", SampleRecords.T0.toEpochMilli());
    ByteBuffer buffer = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), v0).encode(record);
    byte[] bytes = new byte[buffer.remaining()];
    buffer.get(bytes);
    return bytes;
  }
}
