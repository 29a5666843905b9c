package dev.agentrt.topics;

import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * The names and partition counts of every agentrt topic, from one place.
 *
 * <p>Names are {@code prefix + suffix}, e.g. {@code agentrt.tool-calls}. Every record is keyed by
 * conversation id, so all topics of a deployment should have the same partition count: a conversation
 * then lives on the same partition number everywhere. Configuration keys (all optional):
 * {@value #PREFIX_CONFIG} (default {@value #DEFAULT_PREFIX}), {@value #PARTITIONS_CONFIG} (default
 * {@value #DEFAULT_PARTITIONS}), {@value #REPLICATION_FACTOR_CONFIG} (default: the broker's).
 */
public final class AgentrtTopics {

  public static final String PREFIX_CONFIG = "agentrt.topic.prefix";
  public static final String PARTITIONS_CONFIG = "agentrt.topic.partitions";
  public static final String REPLICATION_FACTOR_CONFIG = "agentrt.topic.replication.factor";
  public static final String DEFAULT_PREFIX = "agentrt.";
  public static final int DEFAULT_PARTITIONS = 6;

  /** Kafka's limits on topic names (same as {@code org.apache.kafka.common.internals.Topic}). */
  private static final Pattern LEGAL_NAME = Pattern.compile("[a-zA-Z0-9._-]*");
  private static final int MAX_NAME_LENGTH = 249;
  private static final int LONGEST_SUFFIX =
      Arrays.stream(AgentrtTopic.values()).mapToInt(t -> t.suffix().length()).max().orElseThrow();

  private final String prefix;
  private final int partitions;
  private final Optional<Short> replicationFactor;
  private final Map<AgentrtTopic, String> names;

  private AgentrtTopics(String prefix, int partitions, Optional<Short> replicationFactor) {
    this.prefix = validatePrefix(prefix);
    if (partitions < 1) {
      throw new IllegalArgumentException(PARTITIONS_CONFIG + " must be at least 1, got " + partitions);
    }
    replicationFactor.ifPresent(rf -> {
      if (rf < 1) {
        throw new IllegalArgumentException(REPLICATION_FACTOR_CONFIG + " must be at least 1, got " + rf);
      }
    });
    this.partitions = partitions;
    this.replicationFactor = replicationFactor;
    Map<AgentrtTopic, String> map = new EnumMap<>(AgentrtTopic.class);
    for (AgentrtTopic topic : AgentrtTopic.values()) {
      map.put(topic, prefix + topic.suffix());
    }
    this.names = Collections.unmodifiableMap(map);
  }

  /** Default prefix {@value #DEFAULT_PREFIX}, {@value #DEFAULT_PARTITIONS} partitions, broker replication. */
  public static AgentrtTopics defaults() {
    return new AgentrtTopics(DEFAULT_PREFIX, DEFAULT_PARTITIONS, Optional.empty());
  }

  public static AgentrtTopics of(String prefix, int partitions) {
    return new AgentrtTopics(prefix, partitions, Optional.empty());
  }

  public static AgentrtTopics of(String prefix, int partitions, short replicationFactor) {
    return new AgentrtTopics(prefix, partitions, Optional.of(replicationFactor));
  }

  /**
   * Reads the {@code agentrt.topic.*} keys from a configuration map (e.g. loaded {@code Properties});
   * other keys are ignored.
   *
   * @throws IllegalArgumentException when a value is not a valid number or name
   */
  public static AgentrtTopics fromConfig(Map<?, ?> config) {
    Objects.requireNonNull(config, "config");
    String prefix = Optional.ofNullable(config.get(PREFIX_CONFIG)).map(Object::toString).orElse(DEFAULT_PREFIX);
    int partitions = Optional.ofNullable(config.get(PARTITIONS_CONFIG))
        .map(v -> parse(PARTITIONS_CONFIG, v, Integer::parseInt)).orElse(DEFAULT_PARTITIONS);
    Optional<Short> rf = Optional.ofNullable(config.get(REPLICATION_FACTOR_CONFIG))
        .map(v -> parse(REPLICATION_FACTOR_CONFIG, v, Short::parseShort));
    return new AgentrtTopics(prefix, partitions, rf);
  }

  private static <N extends Number> N parse(String key, Object value, java.util.function.Function<String, N> parser) {
    try {
      return parser.apply(value.toString().strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " must be a number, got '" + value + "'", e);
    }
  }

  private static String validatePrefix(String prefix) {
    Objects.requireNonNull(prefix, PREFIX_CONFIG);
    if (!LEGAL_NAME.matcher(prefix).matches()) {
      throw new IllegalArgumentException(PREFIX_CONFIG + " '" + prefix
          + "' may only contain ASCII letters, digits, '.', '_' and '-'");
    }
    if (prefix.length() + LONGEST_SUFFIX > MAX_NAME_LENGTH) {
      throw new IllegalArgumentException(PREFIX_CONFIG + " is too long: topic names would exceed "
          + MAX_NAME_LENGTH + " characters");
    }
    return prefix;
  }

  public String prefix() {
    return prefix;
  }

  public int partitions() {
    return partitions;
  }

  /** The configured replication factor; empty means the broker default. */
  public Optional<Short> replicationFactor() {
    return replicationFactor;
  }

  /** The full name of a topic. */
  public String name(AgentrtTopic topic) {
    return names.get(Objects.requireNonNull(topic, "topic"));
  }

  /** The logical topic a full name belongs to, if it is one of ours. */
  public Optional<AgentrtTopic> topicOf(String name) {
    return names.entrySet().stream().filter(e -> e.getValue().equals(name)).map(Map.Entry::getKey).findFirst();
  }

  /** Every full topic name, in {@link AgentrtTopic} order. */
  public List<String> allNames() {
    return List.copyOf(names.values());
  }

  public String requests() {
    return name(AgentrtTopic.REQUESTS);
  }

  public String inference() {
    return name(AgentrtTopic.INFERENCE);
  }

  public String inferenceResults() {
    return name(AgentrtTopic.INFERENCE_RESULTS);
  }

  public String toolCalls() {
    return name(AgentrtTopic.TOOL_CALLS);
  }

  public String toolResults() {
    return name(AgentrtTopic.TOOL_RESULTS);
  }

  public String responses() {
    return name(AgentrtTopic.RESPONSES);
  }

  public String transcript() {
    return name(AgentrtTopic.TRANSCRIPT);
  }

  public String deltas() {
    return name(AgentrtTopic.DELTAS);
  }

  public String dlq() {
    return name(AgentrtTopic.DLQ);
  }

  /** Admin-client definitions of every topic, for creating them at startup. */
  public List<NewTopic> newTopics() {
    return Arrays.stream(AgentrtTopic.values())
        .map(t -> new NewTopic(name(t), Optional.of(partitions), replicationFactor))
        .toList();
  }

  @Override
  public String toString() {
    return "AgentrtTopics{prefix='" + prefix + "', partitions=" + partitions
        + ", replicationFactor=" + replicationFactor.map(String::valueOf).orElse("broker default") + "}";
  }
}
