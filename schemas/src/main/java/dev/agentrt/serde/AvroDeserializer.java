package dev.agentrt.serde;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Objects;
import java.util.stream.Collectors;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads one generated record type from Avro single-object encoding (the format
 * {@link org.apache.avro.message.BinaryMessageEncoder} writes).
 *
 * <p>The decoder knows the current schema and every released version of the type
 * ({@link ReleasedSchemas}); a record written with any of them resolves to the current class, with
 * defaults for fields its writer did not have. A writer schema newer than this jar is unknown: roll out
 * readers before writers, or register the new schema with {@link #addWriterSchema(Schema)}.
 *
 * <p>Every failure is a {@link SerializationException} that names the expected type, the topic (and
 * partition/offset through {@link #deserialize(ConsumerRecord)}) and what is wrong with the bytes.
 * Thread-safe.
 */
public final class AvroDeserializer<T extends SpecificRecord> implements Deserializer<T> {

  /** Single-object encoding: 2 marker bytes and an 8-byte fingerprint. */
  static final int HEADER_LENGTH = 10;
  private static final byte MAGIC_0 = (byte) 0xC3;
  private static final byte MAGIC_1 = (byte) 0x01;
  private static final HexFormat HEX = HexFormat.of();

  private final Class<T> type;
  private final ReleasedSchemas released;
  private final SpecificData model;
  private final Schema readerSchema;
  /** Writer fingerprint → a reader resolving that writer schema to the current class. */
  private final Map<Long, DatumReader<T>> readers = new ConcurrentHashMap<>();
  /** Writer fingerprint → a label for error messages (version name, "current", "added"). */
  private final Map<Long, String> knownWriters = new ConcurrentHashMap<>();

  public AvroDeserializer(Class<T> type) {
    this(type, ReleasedSchemas.bundled());
  }

  public AvroDeserializer(Class<T> type, ReleasedSchemas released) {
    this.type = Objects.requireNonNull(type, "type");
    this.released = Objects.requireNonNull(released, "released");
    TrustedAvroPackages.install();
    this.model = SpecificData.getForClass(type);
    this.readerSchema = model.getSchema(type);
    for (ReleasedSchemas.VersionedSchema writer : released.versionsOf(type.getName())) {
      register(writer.schema(), writer.version());
    }
    register(readerSchema, "current");
  }

  /** The record type this deserializer reads. */
  public Class<T> type() {
    return type;
  }

  /** Lets this decoder resolve records written with {@code writerSchema}, e.g. a newer release. */
  public AvroDeserializer<T> addWriterSchema(Schema writerSchema) {
    if (!type.getName().equals(writerSchema.getFullName())) {
      throw new IllegalArgumentException(
          "Writer schema " + writerSchema.getFullName() + " cannot be read as " + type.getName());
    }
    register(writerSchema, "added");
    return this;
  }

  private void register(Schema writerSchema, String label) {
    long fingerprint = SchemaNormalization.parsingFingerprint64(writerSchema);
    readers.putIfAbsent(fingerprint, new SpecificDatumReader<>(writerSchema, readerSchema, model));
    knownWriters.merge(fingerprint, label, AvroDeserializer::joinLabels);
  }

  /** Returns {@code null} for {@code null} data (a tombstone), as Kafka expects. */
  @Override
  public T deserialize(String topic, byte[] data) {
    return decode(data, "topic '" + topic + "'");
  }

  /** Decodes the value of a raw record; errors name its topic, partition and offset. */
  public T deserialize(ConsumerRecord<byte[], byte[]> record) {
    return decode(record.value(), describe(record));
  }

  static String describe(ConsumerRecord<?, ?> record) {
    return "topic '" + record.topic() + "' partition " + record.partition() + " offset " + record.offset();
  }

  private T decode(byte[] data, String source) {
    if (data == null) {
      return null;
    }
    if (data.length < HEADER_LENGTH) {
      throw failure(source, "truncated header: " + data.length + " bytes, single-object encoding needs at least "
          + HEADER_LENGTH + startsWith(data), null);
    }
    if (data[0] != MAGIC_0 || data[1] != MAGIC_1) {
      throw failure(source, "not Avro single-object encoding: expected marker c301, found "
          + HEX.formatHex(data, 0, 2) + startsWith(data), null);
    }
    long fingerprint = ByteBuffer.wrap(data, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    DatumReader<T> reader = readers.get(fingerprint);
    if (reader == null) {
      throw failure(source, unknownFingerprint(fingerprint), null);
    }
    // An array-backed decoder knows how many bytes remain, so a corrupt length claim fails as an
    // EOFException before anything is allocated. (BinaryMessageDecoder reads through a stream decoder
    // that would allocate the claimed length first: a 5-byte claim could exhaust the heap.)
    BinaryDecoder in = DecoderFactory.get().binaryDecoder(data, HEADER_LENGTH, data.length - HEADER_LENGTH, null);
    T record;
    boolean fullyRead;
    try {
      record = reader.read(null, in);
      fullyRead = in.isEnd();
    } catch (IOException | RuntimeException e) {
      // Any runtime failure here comes from the bytes (EOF, bad union index, length limits such as
      // UnsupportedOperationException from SystemLimitException, invalid UTF-8...), never from our state.
      throw failure(source, "body truncated or corrupt (" + data.length + " bytes, writer "
          + knownWriters.get(fingerprint) + "): " + e, e);
    }
    if (!fullyRead) {
      throw failure(source, "bytes left after the record: corrupt or not a " + type.getSimpleName(), null);
    }
    return record;
  }

  private String unknownFingerprint(long fingerprint) {
    String hex = hex(fingerprint);
    return released.byFingerprint(fingerprint)
        .map(other -> "the bytes hold a " + other.schema().getFullName() + " (released " + other.version()
            + ", fingerprint " + hex + "), not a " + type.getSimpleName() + ": wrong topic or wrong serde?")
        .orElseGet(() -> "unknown writer schema fingerprint " + hex + "; known " + type.getSimpleName()
            + " schemas: " + knownFingerprints() + ". Written by a newer or foreign producer?");
  }

  private static String joinLabels(String a, String b) {
    return a.equals(b) ? a : a + "/" + b;
  }

  private String knownFingerprints() {
    return knownWriters.entrySet().stream()
        .map(e -> e.getValue() + "=" + hex(e.getKey()))
        .sorted()
        .collect(Collectors.joining(", "));
  }

  private static String hex(long fingerprint) {
    return HEX.formatHex(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(fingerprint).array());
  }

  private static String startsWith(byte[] data) {
    int n = Math.min(data.length, 16);
    return n == 0 ? " (empty)" : " (bytes start " + HEX.formatHex(data, 0, n) + ")";
  }

  private SerializationException failure(String source, String what, Throwable cause) {
    return new SerializationException("Cannot deserialize " + type.getName() + " from " + source + ": " + what, cause);
  }
}
