package dev.agentrt.serde;

import dev.agentrt.avro.DeadLetter;
import dev.agentrt.avro.DeadLetterHeader;
import dev.agentrt.avro.DeadLetterReason;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * Builds the {@link DeadLetter} for a record that could not be read or processed, keeping its raw key,
 * value and headers so that nothing is dropped silently and the record can be replayed after a fix.
 */
public final class DeadLetters {

  /** Longest cause chain written into {@link DeadLetter#getMessage()}. */
  private static final int MAX_CAUSES = 8;

  private DeadLetters() {}

  /**
   * A dead letter for a raw record that failed. The reason is {@code VALUE_DESERIALIZATION} when the
   * error is (or is caused by) a {@link SerializationException}, {@code PROCESSING_ERROR} otherwise.
   */
  public static DeadLetter fromFailedRecord(ConsumerRecord<byte[], byte[]> record, Throwable error) {
    return fromFailedRecord(record, error, reasonFor(error), Instant.now());
  }

  /** A dead letter for a raw record that failed, with an explicit reason and time. */
  public static DeadLetter fromFailedRecord(
      ConsumerRecord<byte[], byte[]> record, Throwable error, DeadLetterReason reason, Instant deadLetteredAt) {
    Objects.requireNonNull(record, "record");
    Objects.requireNonNull(error, "error");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(deadLetteredAt, "deadLetteredAt");
    return DeadLetter.newBuilder()
        .setReason(reason)
        .setMessage(describe(error) + " [" + AvroDeserializer.describe(record) + "]")
        .setErrorClass(error.getClass().getName())
        .setSourceTopic(record.topic())
        .setSourcePartition(record.partition())
        .setSourceOffset(record.offset())
        .setSourceTimestamp(timestamp(record.timestamp()))
        .setDeadLetteredAt(deadLetteredAt)
        .setKey(wrap(record.key()))
        .setValue(wrap(record.value()))
        .setHeaders(headers(record.headers()))
        .build();
  }

  /**
   * A dead letter from the exception a typed {@code KafkaConsumer.poll} throws when its deserializer
   * fails; the exception carries the raw bytes and position of the record. Seek past
   * {@code offset() + 1} afterwards to go on consuming.
   */
  public static DeadLetter fromDeserializationException(RecordDeserializationException error, Instant deadLetteredAt) {
    Objects.requireNonNull(error, "error");
    Objects.requireNonNull(deadLetteredAt, "deadLetteredAt");
    DeadLetterReason reason = error.origin() == RecordDeserializationException.DeserializationExceptionOrigin.KEY
        ? DeadLetterReason.KEY_DESERIALIZATION
        : DeadLetterReason.VALUE_DESERIALIZATION;
    // The consumer's own exception only wraps the deserializer's; report the root class that rejected it.
    Throwable rejected = error.getCause() != null ? error.getCause() : error;
    return DeadLetter.newBuilder()
        .setReason(reason)
        .setMessage(describe(error))
        .setErrorClass(rejected.getClass().getName())
        .setSourceTopic(error.topicPartition().topic())
        .setSourcePartition(error.topicPartition().partition())
        .setSourceOffset(error.offset())
        .setSourceTimestamp(timestamp(error.timestamp()))
        .setDeadLetteredAt(deadLetteredAt)
        .setKey(copy(error.keyBuffer()))
        .setValue(copy(error.valueBuffer()))
        .setHeaders(headers(error.headers()))
        .build();
  }

  static DeadLetterReason reasonFor(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof RecordDeserializationException rde) {
        return rde.origin() == RecordDeserializationException.DeserializationExceptionOrigin.KEY
            ? DeadLetterReason.KEY_DESERIALIZATION
            : DeadLetterReason.VALUE_DESERIALIZATION;
      }
      if (t instanceof SerializationException) {
        return DeadLetterReason.VALUE_DESERIALIZATION;
      }
    }
    return DeadLetterReason.PROCESSING_ERROR;
  }

  /** The exception and its causes, e.g. {@code "SerializationException: …; caused by EOFException: …"}. */
  static String describe(Throwable error) {
    StringBuilder text = new StringBuilder();
    int depth = 0;
    for (Throwable t = error; t != null && depth < MAX_CAUSES; t = t.getCause(), depth++) {
      if (depth > 0) {
        text.append("; caused by ");
      }
      text.append(t.getClass().getSimpleName());
      if (t.getMessage() != null) {
        text.append(": ").append(t.getMessage());
      }
    }
    return text.toString();
  }

  private static Instant timestamp(long epochMillis) {
    return epochMillis < 0 ? null : Instant.ofEpochMilli(epochMillis); // -1 = ConsumerRecord.NO_TIMESTAMP
  }

  private static ByteBuffer wrap(byte[] bytes) {
    return bytes == null ? null : ByteBuffer.wrap(bytes.clone());
  }

  private static ByteBuffer copy(ByteBuffer buffer) {
    if (buffer == null) {
      return null;
    }
    ByteBuffer source = buffer.duplicate();
    byte[] bytes = new byte[source.remaining()];
    source.get(bytes);
    return ByteBuffer.wrap(bytes);
  }

  private static List<DeadLetterHeader> headers(Headers headers) {
    List<DeadLetterHeader> result = new ArrayList<>();
    if (headers != null) {
      for (Header header : headers) {
        result.add(new DeadLetterHeader(header.key(), wrap(header.value())));
      }
    }
    return result;
  }
}
