package dev.agentrt.orchestrator;

import dev.agentrt.avro.Author;
import dev.agentrt.avro.ConversationLimits;
import dev.agentrt.avro.ConversationRequest;
import dev.agentrt.avro.HarmonyMessage;
import dev.agentrt.avro.InferenceResult;
import dev.agentrt.avro.InferenceTimings;
import dev.agentrt.avro.ReasoningEffort;
import dev.agentrt.avro.Role;
import dev.agentrt.avro.SamplingParams;
import dev.agentrt.avro.StopReason;
import dev.agentrt.avro.TextContent;
import dev.agentrt.avro.ToolDefinition;
import dev.agentrt.avro.ToolResourceUsage;
import dev.agentrt.avro.ToolResult;
import dev.agentrt.avro.ToolResultStatus;
import dev.agentrt.avro.Usage;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Input records as a client, a worker and a tool executor would write them. */
final class Records {

    private Records() {}

    static HarmonyMessage message(Role role, String name, String recipient, String channel, String contentType, String text) {
        return HarmonyMessage.newBuilder().setAuthor(new Author(role, name)).setRecipient(recipient).setChannel(channel)
            .setContentType(contentType).setContent(List.of(new TextContent(text))).build();
    }

    static ConversationRequest request(String id, Instant now, Instant deadline) {
        return ConversationRequest.newBuilder()
            .setConversationId(id).setTenant("acme").setModel("gpt-oss-20b")
            .setReasoningEffort(ReasoningEffort.LOW).setInstructions("Be brief.")
            .setTools(List.of(new ToolDefinition("functions", "calculate", "Evaluate arithmetic",
                "{\"type\":\"object\",\"properties\":{\"expression\":{\"type\":\"string\"}}}")))
            .setBuiltinTools(List.of())
            .setMessages(List.of(message(Role.USER, null, null, null, null, "What is 17 * 23?")))
            .setLimits(new ConversationLimits(6, 512, 50_000L, deadline, 5_000L))
            .setSampling(new SamplingParams(0.0f, 1.0f, null, 7L))
            .setCreatedAt(now)
            .setClientMetadata(Map.of("trace", "t-1"))
            .build();
    }

    static InferenceResult toolCallTurn(String id, int turn, String tool, String args, Instant now) {
        return result(id, turn, StopReason.CALL, now,
            message(Role.ASSISTANT, null, null, "analysis", null, "Use the calculator."),
            message(Role.ASSISTANT, null, tool, "commentary", "<|constrain|>json", args));
    }

    static InferenceResult finalTurn(String id, int turn, String answer, Instant now) {
        return result(id, turn, StopReason.RETURN, now,
            message(Role.ASSISTANT, null, null, "final", null, answer));
    }

    static InferenceResult result(String id, int turn, StopReason stop, Instant now, HarmonyMessage... messages) {
        return InferenceResult.newBuilder()
            .setRequestId(id + "/" + turn).setConversationId(id).setTurn(turn).setAttempt(1)
            .setMessages(List.of(messages)).setStopReason(stop).setUsage(new Usage(100L, 40L, 20L))
            .setTimings(new InferenceTimings(0L, 5L, 5L, 10L, 15L)).setWorkerId("worker-test")
            .setCompletedAt(now).build();
    }

    static ToolResult toolResult(String callId, String id, int turn, ToolResultStatus status, String output, Instant now) {
        return ToolResult.newBuilder()
            .setCallId(callId).setConversationId(id).setTurn(turn).setRecipient("functions.calculate")
            .setStatus(status).setOutput(output).setError(status == ToolResultStatus.OK ? null : "boom")
            .setResources(ToolResourceUsage.newBuilder().build()).setExecutorId("executor-test").setCompletedAt(now)
            .build();
    }
}
