package dev.agentrt.serde;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Objects;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Writes one generated record type in Avro single-object encoding: {@code C3 01}, the 8-byte
 * little-endian CRC-64-AVRO fingerprint of the writer schema, then the binary body. The fingerprint
 * lets a reader pick the right writer schema without a registry. Thread-safe.
 */
public final class AvroSerializer<T extends SpecificRecord> implements Serializer<T> {

  private final Class<T> type;
  private final BinaryMessageEncoder<T> encoder;

  public AvroSerializer(Class<T> type) {
    this.type = Objects.requireNonNull(type, "type");
    TrustedAvroPackages.install();
    SpecificData model = SpecificData.getForClass(type);
    this.encoder = new BinaryMessageEncoder<>(model, model.getSchema(type));
  }

  /** The record type this serializer writes. */
  public Class<T> type() {
    return type;
  }

  /** Returns {@code null} for a {@code null} record (a tombstone), as Kafka expects. */
  @Override
  public byte[] serialize(String topic, T data) {
    if (data == null) {
      return null;
    }
    if (!type.isInstance(data)) {
      throw new SerializationException("Cannot serialize " + data.getClass().getName() + " for topic '" + topic
          + "': this serializer writes " + type.getName());
    }
    try {
      ByteBuffer buffer = encoder.encode(data);
      byte[] bytes = new byte[buffer.remaining()];
      buffer.get(bytes);
      return bytes;
    } catch (IOException | AvroRuntimeException | NullPointerException | ClassCastException e) {
      // Avro reports a missing required field as an NPE naming the field; keep its text.
      throw new SerializationException("Cannot serialize " + type.getName() + " for topic '" + topic + "': "
          + e.getMessage(), e);
    }
  }
}
