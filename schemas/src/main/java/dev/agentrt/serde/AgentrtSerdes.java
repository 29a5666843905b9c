package dev.agentrt.serde;

import dev.agentrt.avro.ConversationRequest;
import dev.agentrt.avro.ConversationResponse;
import dev.agentrt.avro.DeadLetter;
import dev.agentrt.avro.HarmonyMessage;
import dev.agentrt.avro.InferenceRequest;
import dev.agentrt.avro.InferenceResult;
import dev.agentrt.avro.TokenDelta;
import dev.agentrt.avro.ToolCall;
import dev.agentrt.avro.ToolResult;
import dev.agentrt.avro.TranscriptEvent;
import dev.agentrt.topics.AgentrtTopic;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * The serdes of every agentrt topic. Keys are conversation ids as UTF-8 strings ({@link #key()});
 * values are Avro records ({@link #value(AgentrtTopic)} or the typed accessors). Instances are cached
 * and thread-safe.
 */
public final class AgentrtSerdes {

  private static final Map<Class<?>, AvroSerde<?>> CACHE = new ConcurrentHashMap<>();

  static {
    // Runs before any serde decodes, so no -Dorg.apache.avro.SERIALIZABLE_PACKAGES flag is needed.
    TrustedAvroPackages.install();
  }

  private AgentrtSerdes() {}

  /** Serde of every record key: the conversation id. */
  public static Serde<String> key() {
    return Serdes.String();
  }

  /** The shared serde of a generated record type, with the bundled released schemas. */
  @SuppressWarnings("unchecked")
  public static <T extends SpecificRecord> AvroSerde<T> of(Class<T> type) {
    return (AvroSerde<T>) CACHE.computeIfAbsent(type, t -> new AvroSerde<>(type));
  }

  /** The value serde of a topic. */
  public static AvroSerde<? extends SpecificRecord> value(AgentrtTopic topic) {
    return of(topic.valueType());
  }

  public static AvroSerde<ConversationRequest> conversationRequest() {
    return of(ConversationRequest.class);
  }

  public static AvroSerde<InferenceRequest> inferenceRequest() {
    return of(InferenceRequest.class);
  }

  public static AvroSerde<InferenceResult> inferenceResult() {
    return of(InferenceResult.class);
  }

  public static AvroSerde<ToolCall> toolCall() {
    return of(ToolCall.class);
  }

  public static AvroSerde<ToolResult> toolResult() {
    return of(ToolResult.class);
  }

  public static AvroSerde<ConversationResponse> conversationResponse() {
    return of(ConversationResponse.class);
  }

  public static AvroSerde<TranscriptEvent> transcriptEvent() {
    return of(TranscriptEvent.class);
  }

  public static AvroSerde<TokenDelta> tokenDelta() {
    return of(TokenDelta.class);
  }

  public static AvroSerde<DeadLetter> deadLetter() {
    return of(DeadLetter.class);
  }

  /** For state stores that keep single messages (not a topic type of its own). */
  public static AvroSerde<HarmonyMessage> harmonyMessage() {
    return of(HarmonyMessage.class);
  }
}
