package dev.agentrt.harmony;

import static dev.agentrt.harmony.GoldenInputs.assistant;
import static org.assertj.core.api.Assertions.assertThat;

import dev.agentrt.harmony.tokenizer.HarmonyTokenizer;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Byte- and token-exact reproduction of every shared openai/harmony golden file (harmony-format.md §9). */
class HarmonyGoldenTest {
    private static final HarmonyEncoding ENC = HarmonyEncoding.o200kHarmony();
    private static final HarmonyTokenizer TOK = ENC.tokenizer();

    static Stream<Arguments> completionRenders() {
        return Stream.of(
            render("test_simple_convo.txt", GoldenInputs::simpleConvo, RenderConversationConfig.KEEP_ANALYSIS),
            render("test_simple_convo_low_effort.txt",
                () -> GoldenInputs.effortConvo(ReasoningEffort.LOW, true), RenderConversationConfig.KEEP_ANALYSIS),
            render("test_simple_convo_medium_effort.txt",
                () -> GoldenInputs.effortConvo(ReasoningEffort.MEDIUM, true), RenderConversationConfig.KEEP_ANALYSIS),
            render("test_simple_convo_low_effort_no_instruction.txt",
                () -> GoldenInputs.effortConvo(ReasoningEffort.LOW, false), RenderConversationConfig.KEEP_ANALYSIS),
            render("test_reasoning_system_message.txt", GoldenInputs::reasoningSystemMessage, RenderConversationConfig.KEEP_ANALYSIS),
            render("test_no_tools.txt", GoldenInputs::noTools, RenderConversationConfig.DEFAULT),
            render("test_browser_tool_only.txt", GoldenInputs::browserToolOnly, RenderConversationConfig.DEFAULT),
            render("test_browser_and_function_tool.txt", GoldenInputs::browserAndFunctionTool, RenderConversationConfig.DEFAULT),
            render("test_dropping_cot_by_default.txt", GoldenInputs::droppingCot, RenderConversationConfig.DEFAULT),
            render("test_does_not_drop_if_ongoing_analysis.txt", GoldenInputs::ongoingAnalysis, RenderConversationConfig.DEFAULT),
            render("test_preserve_cot.txt", GoldenInputs::preserveCot, RenderConversationConfig.KEEP_ANALYSIS));
    }

    private static Arguments render(String file, Supplier<Conversation> input, RenderConversationConfig config) {
        return Arguments.of(file, input, config);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("completionRenders")
    void rendersForCompletionExactly(String file, Supplier<Conversation> input, RenderConversationConfig config) {
        String expectedText = Fixtures.text(file);
        int[] ids = ENC.renderConversationForCompletion(input.get(), Role.ASSISTANT, config);

        assertThat(TOK.decodeUtf8(ids)).isEqualTo(expectedText);
        assertThat(ids).containsExactly(TOK.encodeWithSpecialTokens(expectedText));
    }

    @Test
    void autoDropFalseKeepsTheAnalysisOfTheDroppingFixture() {
        // Same input as test_dropping_cot_by_default, but with dropping off the analysis is rendered.
        String text = TOK.decodeUtf8(ENC.renderConversationForCompletion(
            GoldenInputs.droppingCot(), Role.ASSISTANT, RenderConversationConfig.KEEP_ANALYSIS));
        assertThat(text).contains("<|channel|>analysis<|message|>User asks: \u201CWhat is 2 + 2?\u201D");
        assertThat(text).isNotEqualTo(Fixtures.text("test_dropping_cot_by_default.txt"));
    }

    @Test
    void toolResponseRendersToTheFixtureMinusItsEndToken() {
        int[] rendered = ENC.render(GoldenInputs.toolResponse());
        int[] withoutEnd = Arrays.copyOf(rendered, rendered.length - 1);
        String expected = Fixtures.text("test_tool_response_parsing.txt");

        assertThat(rendered[rendered.length - 1]).isEqualTo(200007);
        assertThat(TOK.decodeUtf8(withoutEnd)).isEqualTo(expected);
        assertThat(withoutEnd).containsExactly(TOK.encodeWithSpecialTokens(expected));
    }

    @Test
    void toolResponseFixtureParsesWithoutRole() {
        int[] ids = TOK.encodeWithSpecialTokens(Fixtures.text("test_tool_response_parsing.txt"));
        assertThat(ENC.parseMessagesFromCompletionTokens(ids, null)).containsExactly(GoldenInputs.toolResponse());
    }

    @Test
    void simpleReasoningResponseParses() {
        List<Message> messages = ENC.parseMessagesFromCompletionTokens(
            Fixtures.tokenIds("test_simple_reasoning_response.txt"), Role.ASSISTANT);
        assertThat(messages).containsExactly(
            assistant("analysis", "User asks: \"What is 2 + 2?\" Simple arithmetic. Provide answer."),
            assistant("final", "2 + 2 = 4."));
    }

    @Test
    void simpleToolCallParses() {
        List<Message> messages = ENC.parseMessagesFromCompletionTokens(
            Fixtures.tokenIds("test_simple_tool_call.txt"), Role.ASSISTANT);
        assertThat(messages).containsExactly(
            assistant("analysis", "User asks: \"What is the weather in Tokyo?\" We need to use lookup_weather tool."),
            Message.of(Role.ASSISTANT, "{\"location\": \"Tokyo\"}").withChannel("analysis")
                .withRecipient("lookup_weather").withContentType("code"));
    }

    @Test
    void everySharedFixtureIsCovered() throws Exception {
        List<String> covered = Stream.concat(
                completionRenders().map(a -> (String) a.get()[0]),
                Stream.of("test_tool_response_parsing.txt", "test_simple_reasoning_response.txt", "test_simple_tool_call.txt"))
            .sorted().toList();
        try (var files = java.nio.file.Files.list(java.nio.file.Path.of(
                HarmonyGoldenTest.class.getResource("/harmony-fixtures/NOTICE.md").toURI()).getParent())) {
            List<String> present = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".txt")).sorted().toList();
            assertThat(covered).isEqualTo(present);
        }
    }
}
