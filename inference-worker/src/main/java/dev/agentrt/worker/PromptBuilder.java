package dev.agentrt.worker;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentrt.avro.HarmonyMessage;
import dev.agentrt.avro.InferenceRequest;
import dev.agentrt.avro.ToolDefinition;
import dev.agentrt.harmony.Conversation;
import dev.agentrt.harmony.DeveloperContent;
import dev.agentrt.harmony.HarmonyEncoding;
import dev.agentrt.harmony.HarmonyException;
import dev.agentrt.harmony.Message;
import dev.agentrt.harmony.ReasoningEffort;
import dev.agentrt.harmony.RenderConversationConfig;
import dev.agentrt.harmony.Role;
import dev.agentrt.harmony.SystemContent;
import dev.agentrt.harmony.ToolDescription;
import dev.agentrt.harmony.ToolNamespaceConfig;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Turns an {@link InferenceRequest} into the Harmony prompt the model completes (harmony-format.md §3, §4):
 * <ol>
 *   <li>a system message: model identity, knowledge cutoff, the conversation start date (the request's
 *       {@code createdAt} as a UTC date), the reasoning effort, the required channels
 *       {@code analysis, commentary, final}, and the builtin tools ({@code python}, {@code browser});</li>
 *   <li>a developer message with the instructions and the function tools (namespace {@code functions}, each with
 *       its JSON Schema) when there are any;</li>
 *   <li>the history, with the chain-of-thought rule ({@code auto_drop_analysis});</li>
 *   <li>{@code <|start|>assistant}, ready for sampling.</li>
 * </ol>
 * The request's history must not carry its own system or developer message. Immutable and thread-safe.
 */
public final class PromptBuilder {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HarmonyEncoding encoding;

    public PromptBuilder(HarmonyEncoding encoding) {
        this.encoding = Objects.requireNonNull(encoding, "encoding");
    }

    public HarmonyEncoding encoding() {
        return encoding;
    }

    /** The prompt tokens for {@code request}. */
    public int[] promptTokens(InferenceRequest request) {
        Conversation conversation = conversation(request);
        try {
            return encoding.renderConversationForCompletion(conversation, Role.ASSISTANT, RenderConversationConfig.DEFAULT);
        } catch (HarmonyException e) {
            throw new InvalidRequestException("cannot render the conversation: " + e.getMessage(), e);
        }
    }

    /** The Harmony conversation for {@code request}: system, developer (if any), then the history. */
    public Conversation conversation(InferenceRequest request) {
        List<Message> messages = new ArrayList<>(request.getMessages().size() + 2);
        messages.add(Message.system(systemContent(request)));
        developerContent(request).ifPresent(dc -> messages.add(Message.developer(dc)));
        List<HarmonyMessage> history = request.getMessages();
        for (int i = 0; i < history.size(); i++) {
            Message m = HarmonyMessages.toHarmony(history.get(i), i);
            if (m.author().role() == Role.SYSTEM || m.author().role() == Role.DEVELOPER) {
                throw new InvalidRequestException("messages[" + i + "] is a " + m.author().role().wire()
                    + " message; the worker builds the system and developer messages from the request's fields");
            }
            messages.add(m);
        }
        return new Conversation(messages);
    }

    SystemContent systemContent(InferenceRequest request) {
        SystemContent system = SystemContent.defaults()
            .withReasoningEffort(effort(request.getReasoningEffort()))
            .withConversationStartDate(startDate(request.getCreatedAt()))
            .withRequiredChannels(List.of("analysis", "commentary", "final"));
        for (String builtin : request.getBuiltinTools()) {
            system = switch (builtin) {
                case "python" -> system.withPythonTool();
                case "browser" -> system.withBrowserTool();
                default -> throw new InvalidRequestException("unknown builtin tool '" + builtin
                    + "' (this worker knows python and browser)");
            };
        }
        return system;
    }

    java.util.Optional<DeveloperContent> developerContent(InferenceRequest request) {
        String instructions = request.getInstructions();
        List<ToolDefinition> tools = request.getTools();
        if (instructions == null && tools.isEmpty()) {
            return java.util.Optional.empty();
        }
        DeveloperContent developer = DeveloperContent.empty();
        if (instructions != null) {
            developer = developer.withInstructions(instructions);
        }
        Map<String, List<ToolDescription>> byNamespace = new LinkedHashMap<>();
        for (ToolDefinition tool : tools) {
            byNamespace.computeIfAbsent(tool.getNamespace(), ns -> new ArrayList<>()).add(description(tool));
        }
        for (var entry : byNamespace.entrySet()) {
            developer = DeveloperContent.FUNCTIONS.equals(entry.getKey())
                ? developer.withFunctionTools(entry.getValue())
                : developer.withTools(new ToolNamespaceConfig(entry.getKey(), null, entry.getValue()));
        }
        return java.util.Optional.of(developer);
    }

    private static ToolDescription description(ToolDefinition tool) {
        String schema = tool.getParametersJsonSchema();
        JsonNode parameters = null;
        if (schema != null) {
            try {
                parameters = JSON.readTree(schema);
            } catch (JsonProcessingException e) {
                throw new InvalidRequestException("tool " + tool.getNamespace() + "." + tool.getName()
                    + ": parametersJsonSchema is not valid JSON: " + e.getOriginalMessage(), e);
            }
            if (parameters == null || !parameters.isObject()) {
                throw new InvalidRequestException("tool " + tool.getNamespace() + "." + tool.getName()
                    + ": parametersJsonSchema must be a JSON object");
            }
        }
        return new ToolDescription(tool.getName(), tool.getDescription(), parameters);
    }

    private static ReasoningEffort effort(dev.agentrt.avro.ReasoningEffort effort) {
        return switch (effort) {
            case LOW -> ReasoningEffort.LOW;
            case MEDIUM -> ReasoningEffort.MEDIUM;
            case HIGH -> ReasoningEffort.HIGH;
        };
    }

    /** The conversation start date as the system message shows it, e.g. {@code 2025-08-05}. */
    static String startDate(Instant createdAt) {
        return LocalDate.ofInstant(createdAt, ZoneOffset.UTC).toString();
    }
}
