package dev.agentrt.topics;

import dev.agentrt.avro.ConversationRequest;
import dev.agentrt.avro.ConversationResponse;
import dev.agentrt.avro.DeadLetter;
import dev.agentrt.avro.InferenceRequest;
import dev.agentrt.avro.InferenceResult;
import dev.agentrt.avro.TokenDelta;
import dev.agentrt.avro.ToolCall;
import dev.agentrt.avro.ToolResult;
import dev.agentrt.avro.TranscriptEvent;
import org.apache.avro.specific.SpecificRecord;

/** The logical topics of the agent loop (architecture.md §1) and the record type each carries. */
public enum AgentrtTopic {
  REQUESTS("requests", ConversationRequest.class),
  INFERENCE("inference", InferenceRequest.class),
  INFERENCE_RESULTS("inference-results", InferenceResult.class),
  TOOL_CALLS("tool-calls", ToolCall.class),
  TOOL_RESULTS("tool-results", ToolResult.class),
  RESPONSES("responses", ConversationResponse.class),
  TRANSCRIPT("transcript", TranscriptEvent.class),
  DELTAS("deltas", TokenDelta.class),
  DLQ("dlq", DeadLetter.class);

  private final String suffix;
  private final Class<? extends SpecificRecord> valueType;

  AgentrtTopic(String suffix, Class<? extends SpecificRecord> valueType) {
    this.suffix = suffix;
    this.valueType = valueType;
  }

  /** The topic name without prefix, e.g. {@code tool-calls}. */
  public String suffix() {
    return suffix;
  }

  /** The Avro record type of the topic's values. */
  public Class<? extends SpecificRecord> valueType() {
    return valueType;
  }
}
