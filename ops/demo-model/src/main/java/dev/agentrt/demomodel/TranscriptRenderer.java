package dev.agentrt.demomodel;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentrt.avro.Author;
import dev.agentrt.avro.HarmonyMessage;
import dev.agentrt.avro.InferenceRequest;
import dev.agentrt.avro.SamplingParams;
import dev.agentrt.avro.TextContent;
import dev.agentrt.avro.TurnLimits;
import dev.agentrt.harmony.Conversation;
import dev.agentrt.harmony.HarmonyEncoding;
import dev.agentrt.harmony.Message;
import dev.agentrt.harmony.Role;
import dev.agentrt.tools.builtin.BuiltinTools;
import dev.agentrt.worker.HarmonyMessages;
import dev.agentrt.worker.PromptBuilder;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * Renders a {@link Sample} into the token sequences the model trains on, exactly as the runtime produces them:
 * <ol>
 *   <li>turn 1: the worker's prompt ({@link PromptBuilder} on the {@link InferenceRequest} the orchestrator sends),
 *       then what the assistant writes: a short {@code analysis} message and either a {@code final} answer
 *       ({@code <|return|>}) or a {@code commentary} call in gpt-oss's header order
 *       ({@code <|channel|>commentary to=functions.x <|constrain|>json<|message|>{…}<|call|>});</li>
 *   <li>turn 2 (after a call): the real builtin tool runs on the arguments; the history the loop sends back is the
 *       parsed turn-1 messages plus the tool's result message (author = the tool, to {@code assistant}, on
 *       {@code commentary}), rendered by the worker again; then the assistant's {@code final} answer.</li>
 * </ol>
 * The loss covers the assistant's tokens only (the completions, stop tokens included).
 */
public final class TranscriptRenderer {

    /** The model's output after the prompt ({@code <|start|>assistant} is the prompt's last two tokens). */
    public static final String CHANNEL_ANALYSIS = "<|channel|>analysis<|message|>";

    /** Floats as BigDecimal: a result's text in the answer is exactly the tool's text. */
    private static final ObjectMapper JSON = com.fasterxml.jackson.databind.json.JsonMapper.builder()
        .enable(com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).build();

    private final HarmonyEncoding encoding;
    private final PromptBuilder prompts;

    public TranscriptRenderer(HarmonyEncoding encoding) {
        this.encoding = encoding;
        this.prompts = new PromptBuilder(encoding);
    }

    public HarmonyEncoding encoding() {
        return encoding;
    }

    /** One training sequence: {@code prompt} then {@code completion} (the loss covers the completion). */
    public record Turn(int[] prompt, int[] completion) {
        public int[] tokens() {
            int[] all = java.util.Arrays.copyOf(prompt, prompt.length + completion.length);
            System.arraycopy(completion, 0, all, prompt.length, completion.length);
            return all;
        }
    }

    /**
     * A rendered sample.
     *
     * @param prefixLength tokens of the system and developer messages, shared by every sample of the same context
     * @param turns        one turn for a direct answer, two for a tool call
     * @param toolOutput   the text the tool returned ({@code null} without a call)
     * @param finalText    the final answer
     */
    public record Rendered(Sample sample, int prefixLength, List<Turn> turns, String toolOutput, String finalText) {}

    public Rendered render(Sample s) {
        InferenceRequest first = request(s, List.of(user(s.question())), 1);
        int[] prompt1 = prompts.promptTokens(first);
        int prefix = prefixLength(first);
        if (!s.callsTool()) {
            String finalText = s.answer().text(null);
            int[] completion = encoding.tokenizer().encodeWithSpecialTokens(
                analysis(s.analysis()) + "<|start|>assistant" + finalMessage(finalText));
            return new Rendered(s, prefix, List.of(new Turn(prompt1, completion)), null, finalText);
        }
        int[] call = encoding.tokenizer().encodeWithSpecialTokens(analysis(s.analysis()) + "<|start|>assistant"
            + "<|channel|>commentary to=" + s.recipient() + " <|constrain|>json<|message|>" + s.arguments() + "<|call|>");
        List<Message> parsed = encoding.parseMessagesFromCompletionTokens(call, Role.ASSISTANT);
        Message callMessage = parsed.getLast();
        if (parsed.size() != 2 || !s.recipient().equals(callMessage.recipient())
            || !s.arguments().equals(callMessage.text())) {
            throw new IllegalStateException("the call does not parse back: " + parsed);
        }
        BuiltinTools.Outcome outcome = BuiltinTools.standard(Clock.fixed(s.at(), ZoneOffset.UTC))
            .call(s.recipient(), s.arguments());
        if (outcome.status() != BuiltinTools.Status.OK) {
            throw new IllegalStateException(s.question() + ": " + s.recipient() + " " + s.arguments() + " failed: "
                + outcome.text());
        }
        // The loop's history for turn 2: the request's user message, the worker's parsed messages, the tool result.
        var history = new ArrayList<HarmonyMessage>();
        history.add(user(s.question()));
        for (Message m : parsed) history.add(HarmonyMessages.toAvro(m));
        history.add(toolResult(s.recipient(), outcome.text()));
        int[] prompt2 = prompts.promptTokens(request(s, history, 2));
        String finalText = s.answer().text(parse(outcome.text()));
        String afterTool = s.afterTool() == null ? "" : analysis(s.afterTool()) + "<|start|>assistant";
        int[] answer = encoding.tokenizer().encodeWithSpecialTokens(afterTool + finalMessage(finalText));
        return new Rendered(s, prefix, List.of(new Turn(prompt1, call), new Turn(prompt2, answer)), outcome.text(),
            finalText);
    }

    private static String analysis(String text) {
        return CHANNEL_ANALYSIS + text + "<|end|>";
    }

    private static String finalMessage(String text) {
        return "<|channel|>final<|message|>" + text + "<|return|>";
    }

    /** Tokens of the system and developer messages: the start of every prompt of this context. */
    private int prefixLength(InferenceRequest request) {
        List<Message> messages = prompts.conversation(request).messages();
        List<Message> head = messages.stream()
            .filter(m -> m.author().role() == Role.SYSTEM || m.author().role() == Role.DEVELOPER).toList();
        return encoding.renderConversation(new Conversation(head)).length;
    }

    /** The inference request the orchestrator sends for this sample's turn (CommandMapper's fields). */
    public static InferenceRequest request(Sample s, List<HarmonyMessage> messages, int turn) {
        return request(s.tools(), s.effort(), s.at(), messages, turn);
    }

    public static InferenceRequest request(List<String> tools, dev.agentrt.avro.ReasoningEffort effort, Instant at,
                                           List<HarmonyMessage> messages, int turn) {
        return InferenceRequest.newBuilder()
            .setRequestId("demo/" + turn)
            .setConversationId("demo")
            .setTenant("default")
            .setTurn(turn)
            .setAttempt(1)
            .setModel("gpt-oss")
            .setReasoningEffort(effort)
            .setInstructions(null)
            .setTools(DemoTools.definitions(tools))
            .setBuiltinTools(List.of())
            .setMessages(messages)
            .setSampling(new SamplingParams(0f, 1f, null, 7L))
            .setLimits(new TurnLimits(256, null))
            .setCreatedAt(at)
            .build();
    }

    public static HarmonyMessage user(String text) {
        return HarmonyMessage.newBuilder().setAuthor(new Author(dev.agentrt.avro.Role.USER, null))
            .setContent(List.of(new TextContent(text))).build();
    }

    /** A tool's answer as the loop appends it ({@code LoopMessage.toolResult}): author = the tool, to the assistant. */
    public static HarmonyMessage toolResult(String tool, String text) {
        return HarmonyMessage.newBuilder().setAuthor(new Author(dev.agentrt.avro.Role.TOOL, tool))
            .setRecipient("assistant").setChannel("commentary").setContentType(null)
            .setContent(List.of(new TextContent(text))).build();
    }

    static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("not JSON: " + json, e);
        }
    }
}
