package dev.agentrt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentrt.harmony.tokenizer.HarmonyTokenizer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/** The {@code agentrt harmony} contract, checked against every shared openai/harmony golden file. */
class HarmonyCommandTest {
    /** The fixtures live in schemas' test resources; surefire runs with the module folder as working directory. */
    private static final Path FIXTURES = Path.of("../../schemas/src/test/resources/harmony-fixtures");

    private static final String SC = "{\"type\":\"system_content\",\"model_identity\":\"You are ChatGPT, a large language model trained by OpenAI.\"";
    private static final String Q = "What is the capital of the largest country in the world?";
    private static final String ROBOT = "{\"role\":\"developer\",\"content\":[{\"type\":\"developer_content\","
        + "\"instructions\":\"Answer the user's questions like a robot.\"}]}";

    @TempDir
    Path tmp;

    record Run(int exit, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new HarmonyCommand());
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    private static String fixture(String name) throws IOException {
        String s = Files.readString(FIXTURES.resolve(name), StandardCharsets.UTF_8).replace("\r\n", "\n");
        return s.stripTrailing();
    }

    private Path write(String name, String content) throws IOException {
        return Files.writeString(tmp.resolve(name), content, StandardCharsets.UTF_8);
    }

    private static String user(String text) {
        return "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"" + text + "\"}]}";
    }

    private static String assistant(String channel, String text) {
        return "{\"role\":\"assistant\",\"channel\":\"" + channel + "\",\"content\":\"" + text + "\"}";
    }

    private static String system(String fields) {
        return "{\"role\":\"system\",\"content\":[" + fields + "}]}";
    }

    static Stream<Arguments> renderFixtures() {
        String browserSystem = system("{\"type\":\"system_content\",\"conversation_start_date\":\"2025-06-28\",\"tools\":{\"browser\":"
            + BROWSER + "}");
        return Stream.of(
            Arguments.of("test_simple_convo.txt", "false", conv(system(SC), user("What is 2 + 2?"))),
            Arguments.of("test_simple_convo_low_effort.txt", "false",
                conv(system(SC + ",\"reasoning_effort\":\"Low\""), ROBOT, user(Q))),
            Arguments.of("test_simple_convo_medium_effort.txt", "false",
                conv(system(SC + ",\"reasoning_effort\":\"Medium\""), ROBOT, user(Q))),
            Arguments.of("test_simple_convo_low_effort_no_instruction.txt", "false",
                conv(system(SC + ",\"reasoning_effort\":\"Low\""), user(Q))),
            Arguments.of("test_reasoning_system_message.txt", "false",
                conv(system(SC + ",\"reasoning_effort\":\"Medium\",\"channel_config\":{\"valid_channels\":[\"analysis\",\"final\"],"
                    + "\"channel_required\":true}"), user("What is 2 + 2?"))),
            Arguments.of("test_no_tools.txt", "true",
                conv(system("{\"type\":\"system_content\",\"conversation_start_date\":\"2025-06-28\""))),
            Arguments.of("test_browser_tool_only.txt", "true", conv(browserSystem)),
            Arguments.of("test_browser_and_function_tool.txt", "true", conv(browserSystem,
                "{\"role\":\"developer\",\"content\":[{\"type\":\"developer_content\",\"tools\":{\"functions\":{\"name\":\"functions\","
                    + "\"tools\":[{\"name\":\"lookup_weather\",\"description\":\"Use this tool to lookup the weather in a given location. "
                    + "Call it with the parameter 'location', can be any textual description of a location.\",\"parameters\":"
                    + "{\"type\":\"object\",\"properties\":{\"location\":{\"type\":\"string\"}},\"required\":[\"location\"]}}]}}}]}")),
            Arguments.of("test_dropping_cot_by_default.txt", "true", conv(user("What is 2 + 2?"),
                assistant("analysis", "User asks: \u201CWhat is 2 + 2?\u201D Simple arithmetic. Provide answer."),
                assistant("final", "2 + 2 equals 4."), user("What about 9 / 2?"))),
            Arguments.of("test_does_not_drop_if_ongoing_analysis.txt", "true", conv(user("What is the weather in SF?"),
                assistant("analysis", "User asks: \u201CWhat is the weather in SF?\u201D We need to use lookup_weather tool."),
                "{\"role\":\"assistant\",\"channel\":\"commentary\",\"recipient\":\"functions.lookup_weather\","
                    + "\"content_type\":\"<|constrain|>json\",\"content\":[{\"type\":\"text\",\"text\":\"{\\\"location\\\": \\\"San Francisco\\\"}\"}]}",
                "{\"role\":\"tool\",\"name\":\"functions.lookup_weather\",\"content\":"
                    + "\"{\\\"temperature\\\": 20, \\\"description\\\": \\\"sunny\\\"}\"}")),
            Arguments.of("test_preserve_cot.txt", "false", conv(user("What is 2 + 2?"),
                assistant("analysis", "User asks a simple question: \\\"What is 2 + 2?\\\" The answer: 4."),
                assistant("final", "2 + 2 equals 4."), user("What about 9 / 2?"))));
    }

    private static final String BROWSER = "{\"name\":\"browser\",\"description\":\"Tool for browsing.\\nThe `cursor` appears in "
        + "brackets before each browsing display: `[{cursor}]`.\\nCite information from the tool using the following format:\\n"
        + "`\u3010{cursor}\u2020L{line_start}(-L{line_end})?\u3011`, for example: `\u30106\u2020L9-L11\u3011` or `\u30108\u2020L3\u3011`.\\n"
        + "Do not quote more than 10 words directly from the tool output.\\nsources=web (default: web)\",\"tools\":["
        + "{\"name\":\"search\",\"description\":\"Searches for information related to `query` and displays `topn` results.\","
        + "\"parameters\":{\"type\":\"object\",\"properties\":{\"query\":{\"type\":\"string\"},\"topn\":{\"type\":\"number\",\"default\":10},"
        + "\"source\":{\"type\":\"string\"}},\"required\":[\"query\"]}},"
        + "{\"name\":\"open\",\"description\":\"Opens the link `id` from the page indicated by `cursor` starting at line number `loc`, "
        + "showing `num_lines` lines.\\nValid link ids are displayed with the formatting: `\u3010{id}\u2020.*\u3011`.\\nIf `cursor` is not "
        + "provided, the most recent page is implied.\\nIf `id` is a string, it is treated as a fully qualified URL associated with "
        + "`source`.\\nIf `loc` is not provided, the viewport will be positioned at the beginning of the document or centered on the "
        + "most relevant passage, if available.\\nUse this function without `id` to scroll to a new location of an opened page.\","
        + "\"parameters\":{\"type\":\"object\",\"properties\":{\"id\":{\"type\":[\"number\",\"string\"],\"default\":-1},"
        + "\"cursor\":{\"type\":\"number\",\"default\":-1},\"loc\":{\"type\":\"number\",\"default\":-1},\"num_lines\":{\"type\":\"number\","
        + "\"default\":-1},\"view_source\":{\"type\":\"boolean\",\"default\":false},\"source\":{\"type\":\"string\"}}}},"
        + "{\"name\":\"find\",\"description\":\"Finds exact matches of `pattern` in the current page, or the page given by `cursor`.\","
        + "\"parameters\":{\"type\":\"object\",\"properties\":{\"pattern\":{\"type\":\"string\"},\"cursor\":{\"type\":\"number\",\"default\":-1}},"
        + "\"required\":[\"pattern\"]}}]}";

    private static String conv(String... messages) {
        return "{\"messages\":[" + String.join(",", messages) + "]}";
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("renderFixtures")
    void renderReproducesTheFixture(String file, String autoDrop, String conversationJson) throws IOException {
        Path input = write("conversation.json", conversationJson);
        String expected = fixture(file);

        Run text = run("render", "--conversation", input.toString(), "--next-role", "assistant", "--auto-drop", autoDrop);
        assertThat(text.err()).isEmpty();
        assertThat(text.exit()).isZero();
        assertThat(text.out()).isEqualTo(expected);

        Run tokens = run("render", "--conversation", input.toString(), "--next-role", "assistant", "--auto-drop", autoDrop,
            "--format", "tokens");
        assertThat(tokens.exit()).isZero();
        assertThat(tokens.out().strip()).isEqualTo(Arrays.stream(HarmonyTokenizer.instance().encodeWithSpecialTokens(expected))
            .mapToObj(Integer::toString).collect(Collectors.joining(",", "[", "]")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("renderFixtures")
    void parseReadsTheFixtureBack(String file, String autoDrop, String conversationJson) throws IOException {
        String prompt = fixture(file);
        assertThat(prompt).endsWith("<|start|>assistant");
        Path history = write("history.txt", prompt.substring(0, prompt.length() - "<|start|>assistant".length()));
        Run parsed = run("parse", "--text-file", history.toString());
        if (file.equals("test_does_not_drop_if_ongoing_analysis.txt")) {
            // Its tool message has no recipient and no channel: renderable, but not parseable (spec §2.4).
            assertThat(parsed.exit()).isEqualTo(2);
            assertThat(parsed.err().strip()).isEqualTo("Unknown role: functions.lookup_weather");
            return;
        }
        assertThat(parsed.err()).isEmpty();
        assertThat(parsed.exit()).isZero();
        // Rendering the parsed messages again gives the same history (system/developer content comes back as text).
        Path again = write("again.json", "{\"messages\":" + parsed.out().strip() + "}");
        Run rerendered = run("render", "--conversation", again.toString(), "--next-role", "assistant", "--auto-drop", "false");
        assertThat(rerendered.out()).isEqualTo(prompt);
    }

    @Test
    void parseToolResponseFixture() throws IOException {
        // The file ends in a space; like the reference suites, read it with trailing whitespace stripped.
        Path text = write("tool_response.txt", fixture("test_tool_response_parsing.txt"));
        Run r = run("parse", "--text-file", text.toString());
        assertThat(r.exit()).isZero();
        assertThat(r.out().strip()).isEqualTo("[{\"role\":\"tool\",\"name\":\"browser.search\",\"content\":[{\"type\":\"text\","
            + "\"text\":\"{\\\"result\\\": \\\"https://openai.com/\\\"}\"}],\"channel\":\"commentary\",\"recipient\":\"assistant\"}]");
    }

    @Test
    void parseReasoningResponseFixture() {
        Run r = run("parse", "--role", "assistant", "--tokens-file", FIXTURES.resolve("test_simple_reasoning_response.txt").toString());
        assertThat(r.exit()).isZero();
        assertThat(r.out().strip()).isEqualTo("[{\"role\":\"assistant\",\"name\":null,\"content\":[{\"type\":\"text\",\"text\":"
            + "\"User asks: \\\"What is 2 + 2?\\\" Simple arithmetic. Provide answer.\"}],\"channel\":\"analysis\"},"
            + "{\"role\":\"assistant\",\"name\":null,\"content\":[{\"type\":\"text\",\"text\":\"2 + 2 = 4.\"}],\"channel\":\"final\"}]");
    }

    @Test
    void parseToolCallFixture() throws IOException {
        String ids = fixture("test_simple_tool_call.txt");
        Run r = run("parse", "--role", "assistant", "--tokens", ids.replace('\n', ' '));
        assertThat(r.exit()).isZero();
        assertThat(r.out().strip()).isEqualTo("[{\"role\":\"assistant\",\"name\":null,\"content\":[{\"type\":\"text\",\"text\":"
            + "\"User asks: \\\"What is the weather in Tokyo?\\\" We need to use lookup_weather tool.\"}],\"channel\":\"analysis\"},"
            + "{\"role\":\"assistant\",\"name\":null,\"content\":[{\"type\":\"text\",\"text\":\"{\\\"location\\\": \\\"Tokyo\\\"}\"}],"
            + "\"channel\":\"analysis\",\"recipient\":\"lookup_weather\",\"content_type\":\"code\"}]");
    }

    @Test
    void parseErrorsExitWithCodeTwoAndTheSpecText() {
        Run eos = run("parse", "--role", "assistant", "--tokens", "200005 35644");
        assertThat(eos.exit()).isEqualTo(2);
        assertThat(eos.err().strip()).isEqualTo("Unexpected EOS while waiting for message header to complete");

        Run noEos = run("parse", "--role", "assistant", "--tokens", "200005,35644,200008,19", "--no-eos");
        assertThat(noEos.exit()).isZero();
        assertThat(noEos.out().strip()).isEqualTo("[]");

        Run start = run("parse", "--tokens", "19");
        assertThat(start.exit()).isEqualTo(2);
        assertThat(start.err().strip()).isEqualTo("Unexpected token 19 while expecting start token 200006");

        Run garbage = run("parse", "--tokens", "1 two 3");
        assertThat(garbage.exit()).isEqualTo(2);
        assertThat(garbage.err().strip()).isEqualTo("not a token id: 'two'");
    }

    @Test
    void renderWithoutNextRoleAndBadInput() throws IOException {
        Path input = write("c.json", conv(user("Hello")));
        assertThat(run("render", "--conversation", input.toString()).out()).isEqualTo("<|start|>user<|message|>Hello<|end|>");

        Path toolWithoutName = write("t.json", conv("{\"role\":\"tool\",\"content\":\"x\"}"));
        Run r = run("render", "--conversation", toolWithoutName.toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err().strip()).isEqualTo("Tools should have a name!");

        Run missing = run("render", "--conversation", tmp.resolve("nope.json").toString());
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.err()).contains("no such file");

        Run badRole = run("render", "--conversation", input.toString(), "--next-role", "robot");
        assertThat(badRole.exit()).isEqualTo(2);
    }

    @Test
    void benchPrintsThroughputOfAllPhases() {
        Run r = run("bench", "--seconds", "0.2");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).containsPattern("tokenize +[0-9.]+ MB/s +[0-9]+ tokens/s")
            .containsPattern("render +[0-9.]+ MB/s").containsPattern("parse +[0-9.]+ MB/s");
        assertThat(run("bench", "--seconds", "0").exit()).isEqualTo(2);
    }
}
