package dev.agentrt.worker;

import dev.agentrt.avro.Author;
import dev.agentrt.avro.HarmonyMessage;
import dev.agentrt.avro.InferenceRequest;
import dev.agentrt.avro.ReasoningEffort;
import dev.agentrt.avro.Role;
import dev.agentrt.avro.SamplingParams;
import dev.agentrt.avro.TextContent;
import dev.agentrt.avro.ToolDefinition;
import dev.agentrt.avro.TurnLimits;
import java.time.Instant;
import java.util.List;

/** Inference requests for tests. */
final class Requests {
    static final Instant CREATED = Instant.parse("2025-08-05T23:30:00Z");

    private Requests() {}

    static HarmonyMessage user(String text) {
        return message(Role.USER, null, null, null, null, text);
    }

    static HarmonyMessage message(Role role, String name, String recipient, String channel, String contentType,
                                  String text) {
        return HarmonyMessage.newBuilder()
            .setAuthor(new Author(role, name))
            .setRecipient(recipient)
            .setChannel(channel)
            .setContentType(contentType)
            .setContent(List.of(new TextContent(text)))
            .build();
    }

    static ToolDefinition calculate() {
        return ToolDefinition.newBuilder()
            .setName("calculate")
            .setDescription("Evaluates an arithmetic expression.")
            .setParametersJsonSchema("{\"type\":\"object\",\"properties\":{\"expression\":{\"type\":\"string\"}},"
                + "\"required\":[\"expression\"]}")
            .build();
    }

    static InferenceRequest.Builder builder(String conversationId, int turn, List<HarmonyMessage> messages) {
        return InferenceRequest.newBuilder()
            .setRequestId(conversationId + "/" + turn)
            .setConversationId(conversationId)
            .setTenant("t1")
            .setTurn(turn)
            .setAttempt(1)
            .setModel("gpt-oss-tiny")
            .setReasoningEffort(ReasoningEffort.LOW)
            .setInstructions(null)
            .setTools(List.of())
            .setBuiltinTools(List.of())
            .setMessages(messages)
            .setSampling(SamplingParams.newBuilder().setTemperature(0f).setTopP(1f).setTopK(null).setSeed(null).build())
            .setLimits(new TurnLimits(8, null))
            .setCreatedAt(CREATED);
    }

    static InferenceRequest simple(String conversationId, int turn, int maxTokens) {
        return builder(conversationId, turn, List.of(user("What is 6*7?")))
            .setLimits(new TurnLimits(maxTokens, null))
            .build();
    }

    static InferenceRequest sampled(String conversationId, int maxTokens, long seed) {
        return builder(conversationId, 1, List.of(user("Say something, " + conversationId)))
            .setSampling(SamplingParams.newBuilder().setTemperature(1f).setTopP(0.95f).setTopK(50).setSeed(seed).build())
            .setLimits(new TurnLimits(maxTokens, null))
            .build();
    }
}
