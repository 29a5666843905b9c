package dev.agentrt.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.agentrt.avro.DeadLetter;
import dev.agentrt.avro.DeadLetterHeader;
import dev.agentrt.avro.DeadLetterReason;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

class DeadLettersTest {

  private static final Instant NOW = Instant.parse("2025-08-05T10:20:00Z");
  private static final byte[] KEY = "conv-1".getBytes(StandardCharsets.UTF_8);
  private static final byte[] VALUE = "{\"not\":\"avro\"}".getBytes(StandardCharsets.UTF_8);

  private static ConsumerRecord<byte[], byte[]> rawRecord() {
    RecordHeaders headers = new RecordHeaders();
    headers.add("traceparent", "00-abc-01".getBytes(StandardCharsets.UTF_8));
    headers.add("retry", null);
    headers.add("traceparent", "00-def-01".getBytes(StandardCharsets.UTF_8));
    return new ConsumerRecord<>("agentrt.tool-results", 3, 41L, 1_754_388_930_123L, TimestampType.CREATE_TIME,
        KEY.length, VALUE.length, KEY, VALUE, headers, Optional.empty());
  }

  @Test
  void aRecordTheSerdeRejectedBecomesADeadLetterWithItsRawBytesAndPosition() {
    ConsumerRecord<byte[], byte[]> record = rawRecord();
    SerializationException error = catchThrowableOfType(SerializationException.class,
        () -> AgentrtSerdes.toolResult().deserializer().deserialize(record));

    DeadLetter letter = DeadLetters.fromFailedRecord(record, error, DeadLetterReason.VALUE_DESERIALIZATION, NOW);

    assertThat(letter.getReason()).isEqualTo(DeadLetterReason.VALUE_DESERIALIZATION);
    assertThat(letter.getErrorClass()).isEqualTo(SerializationException.class.getName());
    assertThat(letter.getMessage())
        .contains("Cannot deserialize dev.agentrt.avro.ToolResult from topic 'agentrt.tool-results' partition 3 "
            + "offset 41")
        .contains("not Avro single-object encoding");
    assertThat(letter.getSourceTopic()).isEqualTo("agentrt.tool-results");
    assertThat(letter.getSourcePartition()).isEqualTo(3);
    assertThat(letter.getSourceOffset()).isEqualTo(41L);
    assertThat(letter.getSourceTimestamp()).isEqualTo(Instant.ofEpochMilli(1_754_388_930_123L));
    assertThat(letter.getDeadLetteredAt()).isEqualTo(NOW);
    assertThat(letter.getKey()).isEqualTo(ByteBuffer.wrap(KEY));
    assertThat(letter.getValue()).isEqualTo(ByteBuffer.wrap(VALUE));
    assertThat(letter.getHeaders()).containsExactly(
        new DeadLetterHeader("traceparent", ByteBuffer.wrap("00-abc-01".getBytes(StandardCharsets.UTF_8))),
        new DeadLetterHeader("retry", null),
        new DeadLetterHeader("traceparent", ByteBuffer.wrap("00-def-01".getBytes(StandardCharsets.UTF_8))));
  }

  @Test
  void theDeadLetterItselfRoundTripsThroughTheDlqSerde() {
    ConsumerRecord<byte[], byte[]> record = rawRecord();
    DeadLetter letter = DeadLetters.fromFailedRecord(record, new IllegalStateException("boom"),
        DeadLetterReason.PROCESSING_ERROR, NOW);

    byte[] bytes = AgentrtSerdes.deadLetter().serializer().serialize("agentrt.dlq", letter);

    assertThat(AgentrtSerdes.deadLetter().deserializer().deserialize("agentrt.dlq", bytes)).isEqualTo(letter);
  }

  @Test
  void theReasonIsInferredFromTheCauseChain() {
    ConsumerRecord<byte[], byte[]> record = rawRecord();

    DeadLetter wrapped = DeadLetters.fromFailedRecord(record,
        new RuntimeException("handler failed", new SerializationException("bad bytes")));
    DeadLetter processing = DeadLetters.fromFailedRecord(record, new IllegalArgumentException("turn < 0"));

    assertThat(wrapped.getReason()).isEqualTo(DeadLetterReason.VALUE_DESERIALIZATION);
    assertThat(wrapped.getMessage()).startsWith("RuntimeException: handler failed; caused by "
        + "SerializationException: bad bytes [topic 'agentrt.tool-results' partition 3 offset 41]");
    assertThat(processing.getReason()).isEqualTo(DeadLetterReason.PROCESSING_ERROR);
    assertThat(processing.getErrorClass()).isEqualTo(IllegalArgumentException.class.getName());
  }

  @Test
  void aRecordWithoutKeyTimestampOrHeadersKeepsThemAbsent() {
    ConsumerRecord<byte[], byte[]> record = new ConsumerRecord<>("agentrt.inference", 0, 7L, null, VALUE);

    DeadLetter letter = DeadLetters.fromFailedRecord(record, new SerializationException("x"),
        DeadLetterReason.VALUE_DESERIALIZATION, NOW);

    assertThat(letter.getKey()).isNull();
    assertThat(letter.getSourceTimestamp()).isNull();
    assertThat(letter.getHeaders()).isEmpty();
  }

  @Test
  void theConsumersRecordDeserializationExceptionBecomesADeadLetter() {
    RecordHeaders headers = new RecordHeaders();
    headers.add("h", new byte[] {1, 2});
    SerializationException cause = new SerializationException("Cannot deserialize dev.agentrt.avro.ToolCall");
    RecordDeserializationException error = new RecordDeserializationException(
        RecordDeserializationException.DeserializationExceptionOrigin.VALUE,
        new TopicPartition("agentrt.tool-calls", 5), 99L, 1_000L, TimestampType.CREATE_TIME,
        ByteBuffer.wrap(KEY), ByteBuffer.wrap(VALUE), headers,
        "Error deserializing VALUE for partition agentrt.tool-calls-5 at offset 99", cause);

    DeadLetter letter = DeadLetters.fromDeserializationException(error, NOW);

    assertThat(letter.getReason()).isEqualTo(DeadLetterReason.VALUE_DESERIALIZATION);
    assertThat(letter.getErrorClass()).isEqualTo(SerializationException.class.getName());
    assertThat(letter.getMessage()).contains("offset 99").contains("Cannot deserialize dev.agentrt.avro.ToolCall");
    assertThat(letter.getSourceTopic()).isEqualTo("agentrt.tool-calls");
    assertThat(letter.getSourcePartition()).isEqualTo(5);
    assertThat(letter.getSourceOffset()).isEqualTo(99L);
    assertThat(letter.getSourceTimestamp()).isEqualTo(Instant.ofEpochMilli(1_000L));
    assertThat(letter.getKey()).isEqualTo(ByteBuffer.wrap(KEY));
    assertThat(letter.getValue()).isEqualTo(ByteBuffer.wrap(VALUE));
    assertThat(letter.getHeaders()).containsExactly(new DeadLetterHeader("h", ByteBuffer.wrap(new byte[] {1, 2})));
    assertThat(error.valueBuffer().remaining()).as("the exception's buffers are left unread").isEqualTo(VALUE.length);
  }

  @Test
  void aKeyFailureIsMarkedAsSuch() {
    RecordDeserializationException error = new RecordDeserializationException(
        RecordDeserializationException.DeserializationExceptionOrigin.KEY,
        new TopicPartition("agentrt.requests", 0), 1L, -1L, TimestampType.NO_TIMESTAMP_TYPE,
        null, null, new RecordHeaders(), "bad key", null);

    DeadLetter letter = DeadLetters.fromDeserializationException(error, NOW);

    assertThat(letter.getReason()).isEqualTo(DeadLetterReason.KEY_DESERIALIZATION);
    assertThat(letter.getErrorClass()).isEqualTo(RecordDeserializationException.class.getName());
    assertThat(letter.getSourceTimestamp()).isNull();
    assertThat(letter.getKey()).isNull();
    assertThat(letter.getValue()).isNull();
  }
}
