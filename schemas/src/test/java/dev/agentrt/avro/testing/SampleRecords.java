package dev.agentrt.avro.testing;

import dev.agentrt.avro.Author;
import dev.agentrt.avro.ChannelConfig;
import dev.agentrt.avro.ConversationLimits;
import dev.agentrt.avro.ConversationRequest;
import dev.agentrt.avro.ConversationResponse;
import dev.agentrt.avro.ConversationStatus;
import dev.agentrt.avro.DeadLetter;
import dev.agentrt.avro.DeadLetterHeader;
import dev.agentrt.avro.DeadLetterReason;
import dev.agentrt.avro.DeveloperContent;
import dev.agentrt.avro.HarmonyMessage;
import dev.agentrt.avro.InferenceRequest;
import dev.agentrt.avro.InferenceResult;
import dev.agentrt.avro.InferenceTimings;
import dev.agentrt.avro.ReasoningEffort;
import dev.agentrt.avro.Role;
import dev.agentrt.avro.SamplingParams;
import dev.agentrt.avro.SandboxTier;
import dev.agentrt.avro.StopReason;
import dev.agentrt.avro.SystemContent;
import dev.agentrt.avro.TextContent;
import dev.agentrt.avro.TokenDelta;
import dev.agentrt.avro.ToolCall;
import dev.agentrt.avro.ToolDefinition;
import dev.agentrt.avro.ToolDescription;
import dev.agentrt.avro.ToolNamespaceConfig;
import dev.agentrt.avro.ToolResourceUsage;
import dev.agentrt.avro.ToolResult;
import dev.agentrt.avro.ToolResultStatus;
import dev.agentrt.avro.TranscriptEvent;
import dev.agentrt.avro.TranscriptEventKind;
import dev.agentrt.avro.TurnLimits;
import dev.agentrt.avro.Usage;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;

/**
 * Realistic sample records of every topic type, all for one conversation: a user asks for the weather
 * in Tokyo, the model calls {@code functions.get_weather}, reads the result and answers. Every field,
 * optional ones included, is set, so round trips exercise the whole schema. Shared through the schemas
 * test-jar for broker integration tests.
 */
public final class SampleRecords {

  public static final String CONVERSATION_ID = "conv-7f3a9c";
  public static final String TENANT = "acme";
  public static final String MODEL = "gpt-oss-20b";
  /** All sample instants derive from this one (millisecond precision, as timestamp-millis stores). */
  public static final Instant T0 = Instant.parse("2025-08-05T10:15:30.123Z");

  private static final String WEATHER_SCHEMA = """
      {"type":"object","properties":{"location":{"type":"string","description":"City and country"},\
      "unit":{"type":"string","enum":["celsius","fahrenheit"],"default":"celsius"}},"required":["location"]}""";

  private SampleRecords() {}

  /** One sample of each topic value type, in {@code AgentrtTopic} order. */
  public static List<SpecificRecord> oneOfEachTopicType() {
    return List.of(conversationRequest(), inferenceRequest(), inferenceResult(), toolCall(), toolResult(),
        conversationResponse(), transcriptEvent(), tokenDelta(), deadLetter());
  }

  // ---- Harmony messages -------------------------------------------------------------------------

  public static HarmonyMessage systemMessage() {
    SystemContent content = SystemContent.newBuilder()
        .setModelIdentity("You are ChatGPT, a large language model trained by OpenAI.")
        .setReasoningEffort(ReasoningEffort.LOW)
        .setConversationStartDate("2025-08-05")
        .setKnowledgeCutoff("2024-06")
        .setChannelConfig(new ChannelConfig(List.of("analysis", "commentary", "final"), true))
        .setTools(Map.of("python", new ToolNamespaceConfig("python",
            "Use this tool to execute Python code in your chain of thought.", List.of())))
        .build();
    return message(Role.SYSTEM, null, null, null, null, content);
  }

  public static HarmonyMessage developerMessage() {
    DeveloperContent content = DeveloperContent.newBuilder()
        .setInstructions("Answer in one sentence. Use the weather tool for current conditions.")
        .setTools(Map.of("functions", new ToolNamespaceConfig("functions", null, List.of(
            new ToolDescription("get_weather", "Gets the current weather for a location.", WEATHER_SCHEMA)))))
        .build();
    return message(Role.DEVELOPER, null, null, null, null, content);
  }

  public static HarmonyMessage userMessage() {
    return message(Role.USER, null, null, null, null, text("What's the weather in Tokyo right now?"));
  }

  public static HarmonyMessage analysisMessage() {
    return message(Role.ASSISTANT, null, null, "analysis", null,
        text("User wants current weather in Tokyo. Call get_weather."));
  }

  public static HarmonyMessage toolCallMessage() {
    return message(Role.ASSISTANT, null, "functions.get_weather", "commentary", "<|constrain|>json",
        text("{\"location\":\"Tokyo, Japan\",\"unit\":\"celsius\"}"));
  }

  public static HarmonyMessage toolResultMessage() {
    return message(Role.TOOL, "functions.get_weather", "assistant", "commentary", null,
        text("{\"temperature\":31,\"conditions\":\"sunny\"}"));
  }

  public static HarmonyMessage finalMessage() {
    return message(Role.ASSISTANT, null, null, "final", null, text("It is sunny and 31 °C in Tokyo right now."));
  }

  private static TextContent text(String text) {
    return new TextContent(text);
  }

  private static HarmonyMessage message(
      Role role, String name, String recipient, String channel, String contentType, Object content) {
    return HarmonyMessage.newBuilder()
        .setAuthor(new Author(role, name))
        .setRecipient(recipient)
        .setChannel(channel)
        .setContentType(contentType)
        .setContent(List.of(content))
        .build();
  }

  // ---- topic records ----------------------------------------------------------------------------

  public static ToolDefinition weatherTool() {
    return new ToolDefinition("functions", "get_weather", "Gets the current weather for a location.", WEATHER_SCHEMA);
  }

  public static SamplingParams sampling() {
    return new SamplingParams(0.7f, 0.95f, 40, 42L);
  }

  public static ConversationRequest conversationRequest() {
    return ConversationRequest.newBuilder()
        .setConversationId(CONVERSATION_ID)
        .setTenant(TENANT)
        .setModel(MODEL)
        .setReasoningEffort(ReasoningEffort.LOW)
        .setInstructions("Answer in one sentence. Use the weather tool for current conditions.")
        .setTools(List.of(weatherTool()))
        .setBuiltinTools(List.of("python"))
        .setMessages(List.of(userMessage()))
        .setLimits(new ConversationLimits(8, 2048, 32_768L, T0.plusSeconds(120), 30_000L))
        .setSampling(sampling())
        .setCreatedAt(T0)
        .setClientMetadata(Map.of("trace-id", "4bf92f3577b34da6", "ui", "cli"))
        .build();
  }

  public static InferenceRequest inferenceRequest() {
    return InferenceRequest.newBuilder()
        .setRequestId(CONVERSATION_ID + "/2/1")
        .setConversationId(CONVERSATION_ID)
        .setTenant(TENANT)
        .setTurn(2)
        .setAttempt(1)
        .setModel(MODEL)
        .setReasoningEffort(ReasoningEffort.LOW)
        .setInstructions("Answer in one sentence. Use the weather tool for current conditions.")
        .setTools(List.of(weatherTool()))
        .setBuiltinTools(List.of("python"))
        .setMessages(List.of(userMessage(), analysisMessage(), toolCallMessage(), toolResultMessage()))
        .setSampling(sampling())
        .setLimits(new TurnLimits(2048, T0.plusSeconds(120)))
        .setCreatedAt(T0.plusMillis(1_850))
        .build();
  }

  public static InferenceResult inferenceResult() {
    return InferenceResult.newBuilder()
        .setRequestId(CONVERSATION_ID + "/1/1")
        .setConversationId(CONVERSATION_ID)
        .setTurn(1)
        .setAttempt(1)
        .setMessages(List.of(analysisMessage(), toolCallMessage()))
        .setStopReason(StopReason.CALL)
        .setUsage(new Usage(412L, 256L, 38L))
        .setTimings(new InferenceTimings(3L, 95L, 121L, 640L, 742L))
        .setWorkerId("worker-0")
        .setCompletedAt(T0.plusMillis(760))
        .setError(null)
        .build();
  }

  public static ToolCall toolCall() {
    return ToolCall.newBuilder()
        .setCallId(CONVERSATION_ID + "/1/1")
        .setConversationId(CONVERSATION_ID)
        .setTenant(TENANT)
        .setTurn(1)
        .setIndex(1)
        .setRecipient("functions.get_weather")
        .setChannel("commentary")
        .setArguments("{\"location\":\"Tokyo, Japan\",\"unit\":\"celsius\"}")
        .setContentType("<|constrain|>json")
        .setDeadline(T0.plusSeconds(11))
        .setCreatedAt(T0.plusMillis(770))
        .build();
  }

  public static ToolResult toolResult() {
    return ToolResult.newBuilder()
        .setCallId(CONVERSATION_ID + "/1/1")
        .setConversationId(CONVERSATION_ID)
        .setTurn(1)
        .setRecipient("functions.get_weather")
        .setChannel("commentary")
        .setStatus(ToolResultStatus.OK)
        .setOutput("{\"temperature\":31,\"conditions\":\"sunny\"}")
        .setError(null)
        .setResources(new ToolResourceUsage(1_040L, 210L, 48L << 20, 0, null, false, SandboxTier.NAMESPACE))
        .setExecutorId("tools-0")
        .setCompletedAt(T0.plusMillis(1_830))
        .build();
  }

  public static ConversationResponse conversationResponse() {
    return ConversationResponse.newBuilder()
        .setConversationId(CONVERSATION_ID)
        .setTenant(TENANT)
        .setStatus(ConversationStatus.COMPLETED)
        .setFinalMessage(finalMessage())
        .setUsage(new Usage(905L, 668L, 61L))
        .setTurns(2)
        .setError(null)
        .setStartedAt(T0.plusMillis(2))
        .setCompletedAt(T0.plusMillis(2_400))
        .setClientMetadata(Map.of("trace-id", "4bf92f3577b34da6", "ui", "cli"))
        .build();
  }

  public static TranscriptEvent transcriptEvent() {
    return TranscriptEvent.newBuilder()
        .setConversationId(CONVERSATION_ID)
        .setTurn(1)
        .setSequence(3L)
        .setKind(TranscriptEventKind.TOOL_RESULT)
        .setMessage(toolResultMessage())
        .setCallId(CONVERSATION_ID + "/1/1")
        .setAppendedAt(T0.plusMillis(1_840))
        .build();
  }

  public static TokenDelta tokenDelta() {
    return TokenDelta.newBuilder()
        .setConversationId(CONVERSATION_ID)
        .setTurn(2)
        .setAttempt(1)
        .setSequence(5L)
        .setMessageIndex(1)
        .setChannel("final")
        .setRecipient(null)
        .setTextDelta(" sunny and")
        .setTokenIds(List.of(34506, 326))
        .setEmittedAt(T0.plusMillis(2_210))
        .build();
  }

  public static DeadLetter deadLetter() {
    return DeadLetter.newBuilder()
        .setReason(DeadLetterReason.VALUE_DESERIALIZATION)
        .setMessage("SerializationException: Cannot deserialize dev.agentrt.avro.ToolResult from topic "
            + "'agentrt.tool-results' partition 3 offset 41: not Avro single-object encoding")
        .setErrorClass("org.apache.kafka.common.errors.SerializationException")
        .setSourceTopic("agentrt.tool-results")
        .setSourcePartition(3)
        .setSourceOffset(41L)
        .setSourceTimestamp(T0.plusMillis(1_830))
        .setDeadLetteredAt(T0.plusMillis(1_900))
        .setKey(utf8(CONVERSATION_ID))
        .setValue(utf8("{\"status\":\"OK\"}"))
        .setHeaders(List.of(new DeadLetterHeader("traceparent", utf8("00-4bf92f3577b34da6-01")),
            new DeadLetterHeader("empty", null)))
        .build();
  }

  private static ByteBuffer utf8(String text) {
    return ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
  }
}
