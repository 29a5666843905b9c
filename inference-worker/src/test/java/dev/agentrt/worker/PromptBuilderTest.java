package dev.agentrt.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentrt.avro.InferenceRequest;
import dev.agentrt.avro.ReasoningEffort;
import dev.agentrt.avro.Role;
import dev.agentrt.avro.SystemContent;
import dev.agentrt.avro.ToolDefinition;
import dev.agentrt.harmony.HarmonyEncoding;
import java.util.List;
import org.junit.jupiter.api.Test;

class PromptBuilderTest {
    private static final HarmonyEncoding ENCODING = HarmonyEncoding.o200kHarmony();
    private final PromptBuilder builder = new PromptBuilder(ENCODING);

    private static String text(int[] tokens) {
        return ENCODING.tokenizer().decodeUtf8(tokens);
    }

    @Test
    void rendersSystemWithEffortAndUtcDateThenHistoryAndOpensTheAssistantTurn() {
        // 23:30 UTC on Aug 5 is already Aug 6 in Tokyo: the date must be the UTC one.
        InferenceRequest request = Requests.builder("c1", 1, List.of(Requests.user("Hi"))).build();
        assertThat(text(builder.promptTokens(request))).isEqualTo(
            "<|start|>system<|message|>You are ChatGPT, a large language model trained by OpenAI.\n"
                + "Knowledge cutoff: 2024-06\n"
                + "Current date: 2025-08-05\n\n"
                + "Reasoning: low\n\n"
                + "# Valid channels: analysis, commentary, final. Channel must be included for every message.<|end|>"
                + "<|start|>user<|message|>Hi<|end|>"
                + "<|start|>assistant");
    }

    @Test
    void rendersInstructionsAndFunctionToolsInTheDeveloperMessageAndBuiltinsInTheSystemMessage() {
        InferenceRequest request = Requests.builder("c1", 1, List.of(Requests.user("6*7?")))
            .setReasoningEffort(ReasoningEffort.HIGH)
            .setInstructions("Use the calculator.")
            .setTools(List.of(Requests.calculate()))
            .setBuiltinTools(List.of("python"))
            .build();
        String prompt = text(builder.promptTokens(request));
        assertThat(prompt)
            .startsWith("<|start|>system<|message|>You are ChatGPT, a large language model trained by OpenAI.\n"
                + "Knowledge cutoff: 2024-06\nCurrent date: 2025-08-05\n\nReasoning: high\n\n# Tools\n\n## python\n\n")
            .contains("# Valid channels: analysis, commentary, final. Channel must be included for every message.\n"
                + "Calls to these tools must go to the commentary channel: 'functions'.<|end|>")
            .contains("<|start|>developer<|message|># Instructions\n\nUse the calculator.\n\n# Tools\n\n## functions\n\n"
                + "namespace functions {\n\n// Evaluates an arithmetic expression.\n"
                + "type calculate = (_: {\nexpression: string,\n}) => any;\n\n} // namespace functions<|end|>")
            .endsWith("<|start|>user<|message|>6*7?<|end|><|start|>assistant");
        assertThat(prompt.indexOf("<|start|>developer")).isGreaterThan(prompt.indexOf("<|start|>system"));
    }

    @Test
    void dropsAnalysisBeforeAFinalAnswerAndKeepsToolCallHistory() {
        var history = List.of(
            Requests.user("6*7?"),
            Requests.message(Role.ASSISTANT, null, null, "analysis", null, "Use the tool."),
            Requests.message(Role.ASSISTANT, null, "functions.calculate", "commentary", "<|constrain|>json",
                "{\"expression\":\"6*7\"}"),
            Requests.message(Role.TOOL, "functions.calculate", "assistant", "commentary", null, "42"),
            Requests.message(Role.ASSISTANT, null, null, "final", null, "42."),
            Requests.user("Thanks"));
        InferenceRequest request = Requests.builder("c1", 3, history).setTools(List.of(Requests.calculate())).build();
        String prompt = text(builder.promptTokens(request));
        assertThat(prompt).doesNotContain("Use the tool.")
            .contains("<|start|>assistant to=functions.calculate<|channel|>commentary <|constrain|>json<|message|>"
                + "{\"expression\":\"6*7\"}<|call|>")
            .contains("<|start|>functions.calculate to=assistant<|channel|>commentary<|message|>42<|end|>")
            .endsWith("<|start|>assistant<|channel|>final<|message|>42.<|end|>"
                + "<|start|>user<|message|>Thanks<|end|><|start|>assistant");
    }

    @Test
    void rejectsWhatItCannotRenderWithAClearMessage() {
        var unknownBuiltin = Requests.builder("c1", 1, List.of(Requests.user("x"))).setBuiltinTools(List.of("shell")).build();
        assertThatThrownBy(() -> builder.promptTokens(unknownBuiltin))
            .isInstanceOf(InvalidRequestException.class).hasMessageContaining("unknown builtin tool 'shell'");

        ToolDefinition broken = ToolDefinition.newBuilder().setName("f").setParametersJsonSchema("{not json").build();
        var badSchema = Requests.builder("c1", 1, List.of(Requests.user("x"))).setTools(List.of(broken)).build();
        assertThatThrownBy(() -> builder.promptTokens(badSchema))
            .isInstanceOf(InvalidRequestException.class).hasMessageContaining("functions.f").hasMessageContaining("JSON");

        var systemInHistory = Requests.builder("c1", 1, List.of(
            Requests.message(Role.SYSTEM, null, null, null, null, "be terse"), Requests.user("x"))).build();
        assertThatThrownBy(() -> builder.promptTokens(systemInHistory))
            .isInstanceOf(InvalidRequestException.class).hasMessageContaining("messages[0] is a system message");

        var systemContent = Requests.builder("c1", 1, List.of(dev.agentrt.avro.HarmonyMessage.newBuilder()
            .setAuthor(new dev.agentrt.avro.Author(Role.USER, null))
            .setContent(List.of(SystemContent.newBuilder().build())).build())).build();
        assertThatThrownBy(() -> builder.promptTokens(systemContent))
            .isInstanceOf(InvalidRequestException.class).hasMessageContaining("messages[0] holds SystemContent");

        var namelessTool = Requests.builder("c1", 1, List.of(
            Requests.message(Role.TOOL, null, null, null, null, "42"))).build();
        assertThatThrownBy(() -> builder.promptTokens(namelessTool))
            .isInstanceOf(InvalidRequestException.class).hasMessageContaining("without the tool's name");
    }
}
