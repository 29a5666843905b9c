package dev.agentrt.cli.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.agentrt.avro.Author;
import dev.agentrt.avro.ConversationLimits;
import dev.agentrt.avro.ConversationRequest;
import dev.agentrt.avro.HarmonyMessage;
import dev.agentrt.avro.ReasoningEffort;
import dev.agentrt.avro.Role;
import dev.agentrt.avro.SamplingParams;
import dev.agentrt.avro.TextContent;
import dev.agentrt.avro.ToolDefinition;
import dev.agentrt.tools.builtin.BuiltinTool;
import dev.agentrt.tools.builtin.BuiltinTools;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Builds the {@link ConversationRequest} a user means by "ask this, with these tools". */
public final class RequestFactory {

    private RequestFactory() {}

    /** What a client chooses; everything else has defaults. */
    public record Ask(String question, List<ToolDefinition> tools, List<String> builtinTools, ReasoningEffort effort,
                      String instructions, int maxTurns, int maxOutputTokensPerTurn, Duration timeout,
                      float temperature, Long seed, String model) {}

    public static ConversationRequest build(Ask ask, Clock clock) {
        Instant now = clock.instant();
        HarmonyMessage user = HarmonyMessage.newBuilder().setAuthor(new Author(Role.USER, null))
            .setContent(List.of(new TextContent(ask.question()))).build();
        return ConversationRequest.newBuilder()
            .setConversationId("conv-" + UUID.randomUUID())
            .setTenant("default")
            .setModel(ask.model())
            .setReasoningEffort(ask.effort())
            .setInstructions(ask.instructions())
            .setTools(ask.tools())
            .setBuiltinTools(ask.builtinTools())
            .setMessages(List.of(user))
            .setLimits(new ConversationLimits(ask.maxTurns(), ask.maxOutputTokensPerTurn(), 1_000_000L,
                ask.timeout() == null ? null : now.plus(ask.timeout()), 30_000L))
            .setSampling(new SamplingParams(ask.temperature(), 1.0f, null, ask.seed()))
            .setCreatedAt(now)
            .setClientMetadata(Map.of("client", "agentrt-cli"))
            .build();
    }

    /** The builtin Java tools (calculator, unit converter, current time) as function definitions. */
    public static List<ToolDefinition> builtinToolDefinitions() {
        var out = new ArrayList<ToolDefinition>();
        for (BuiltinTool t : BuiltinTools.standard(Clock.systemUTC()).all()) {
            out.add(new ToolDefinition(t.namespace(), t.name(), t.description(), t.parametersSchema()));
        }
        return out;
    }

    /**
     * Function tools from a JSON file: an array of {@code {"name", "description", "parameters"}} objects
     * (the usual function-calling shape; {@code {"type":"function","function":{...}}} wrappers accepted).
     */
    public static List<ToolDefinition> toolsFromFile(Path file) {
        JsonNode root;
        try {
            root = JsonMapper.builder().build().readTree(Files.readString(file));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read tools file " + file + ": " + e.getMessage(), e);
        }
        if (!root.isArray()) throw new IllegalArgumentException(file + ": expected a JSON array of tool definitions");
        var out = new ArrayList<ToolDefinition>();
        for (int i = 0; i < root.size(); i++) {
            JsonNode t = root.get(i).has("function") ? root.get(i).get("function") : root.get(i);
            if (!t.hasNonNull("name") || t.get("name").asText().isBlank()) {
                throw new IllegalArgumentException(file + ": tool " + i + " has no name");
            }
            out.add(new ToolDefinition("functions", t.get("name").asText(), t.path("description").asText(""),
                t.has("parameters") ? t.get("parameters").toString() : null));
        }
        return out;
    }
}
