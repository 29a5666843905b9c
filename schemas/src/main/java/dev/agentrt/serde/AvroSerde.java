package dev.agentrt.serde;

import java.util.Objects;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;

/**
 * Kafka {@link Serde} for one generated record type, in Avro single-object encoding. Needs no schema
 * registry: the writer schema is identified by its fingerprint and every released version ships in this
 * jar. Thread-safe; one instance per type can be shared.
 */
public final class AvroSerde<T extends SpecificRecord> implements Serde<T> {

  private final AvroSerializer<T> serializer;
  private final AvroDeserializer<T> deserializer;

  public AvroSerde(Class<T> type) {
    this(type, ReleasedSchemas.bundled());
  }

  public AvroSerde(Class<T> type, ReleasedSchemas released) {
    Objects.requireNonNull(type, "type");
    this.serializer = new AvroSerializer<>(type);
    this.deserializer = new AvroDeserializer<>(type, released);
  }

  /** The record type of this serde. */
  public Class<T> type() {
    return serializer.type();
  }

  @Override
  public AvroSerializer<T> serializer() {
    return serializer;
  }

  @Override
  public AvroDeserializer<T> deserializer() {
    return deserializer;
  }
}
