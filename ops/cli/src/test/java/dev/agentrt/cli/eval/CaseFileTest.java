package dev.agentrt.cli.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.agentrt.avro.ReasoningEffort;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CaseFileTest {

    private static final String GOOD = "{\"id\":\"c1\",\"question\":\"What is 2+2?\",\"tools\":[\"calculator\"],"
        + "\"effort\":\"low\",\"expect_tool\":\"functions.calculate\",\"expect_args\":{\"expression\":\"2+2\"},"
        + "\"expect_final_regex\":\"\\\\b4\\\\b\"}";

    private static List<String> problems(String... lines) {
        var e = catchThrowableOfType(CaseFile.InvalidCases.class,
            () -> CaseFile.parse("cases.jsonl", String.join("\n", lines)));
        assertThat(e).as("expected the file to be rejected").isNotNull();
        return e.problems();
    }

    /** A valid case line with one field replaced ({@code value} is JSON; null leaves the field out). */
    private static String with(String field, String value) {
        var node = (com.fasterxml.jackson.databind.node.ObjectNode) readTree(GOOD);
        if (value == null) node.remove(field);
        else node.set(field, readTree(value));
        return node.toString();
    }

    private static com.fasterxml.jackson.databind.JsonNode readTree(String s) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(s);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void readsTheExactShapeWithEveryToolNameAndSkipsBlankLines() throws Exception {
        var cases = CaseFile.parse("f", String.join("\n", GOOD, "", "   ",
            "{\"id\":\"c2\",\"question\":\"Convert 5 km to miles\",\"tools\":[\"unit_converter\",\"current_time\","
                + "\"calculate\"],\"effort\":\"HIGH\",\"expect_tool\":\"convert_units\",\"expect_args\":{\"value\":5.0},"
                + "\"expect_final_regex\":\"3\\\\.1\"}",
            "{\"id\":\"c3\",\"question\":\"Hi\",\"tools\":[],\"effort\":\"medium\",\"expect_final_regex\":\"\"}\r"));
        assertThat(cases).hasSize(3);
        EvalCase c1 = cases.get(0);
        assertThat(c1.line()).isEqualTo(1);
        assertThat(c1.id()).isEqualTo("c1");
        assertThat(c1.question()).isEqualTo("What is 2+2?");
        assertThat(c1.tools()).containsExactly("functions.calculate");
        assertThat(c1.effort()).isEqualTo(ReasoningEffort.LOW);
        assertThat(c1.expectTool()).isEqualTo("functions.calculate");
        assertThat(c1.expectArgs().get("expression").asText()).isEqualTo("2+2");
        assertThat(c1.expectFinal().matcher("it is 4.").find()).isTrue();
        EvalCase c2 = cases.get(1);
        assertThat(c2.line()).isEqualTo(4);
        assertThat(c2.tools()).containsExactly("functions.convert_units", "functions.get_current_time",
            "functions.calculate");
        assertThat(c2.effort()).isEqualTo(ReasoningEffort.HIGH);
        assertThat(c2.expectTool()).isEqualTo("functions.convert_units");
        assertThat(c2.expectArgs().get("value").decimalValue()).isEqualByComparingTo(new BigDecimal("5"));
        EvalCase c3 = cases.get(2);
        assertThat(c3.tools()).isEmpty();
        assertThat(c3.expectTool()).isNull();
        assertThat(c3.expectArgs()).isNull();
        assertThat(c3.effort()).isEqualTo(ReasoningEffort.MEDIUM);
    }

    @Test
    void everyAcceptedToolNameMapsToABuiltinRecipient() {
        assertThat(CaseFile.toolNames()).containsEntry("calculator", "functions.calculate")
            .containsEntry("calculate", "functions.calculate")
            .containsEntry("functions.calculate", "functions.calculate")
            .containsEntry("unit_converter", "functions.convert_units")
            .containsEntry("convert_units", "functions.convert_units")
            .containsEntry("functions.convert_units", "functions.convert_units")
            .containsEntry("current_time", "functions.get_current_time")
            .containsEntry("get_current_time", "functions.get_current_time")
            .containsEntry("functions.get_current_time", "functions.get_current_time")
            .hasSize(9);
    }

    @Test
    void eachBadFieldIsNamedWithItsLine() {
        assertThat(problems(with("tools", "[\"calculator\",\"abacus\"]"))).singleElement().asString()
            .startsWith("cases.jsonl:1: \"tools\": unknown tool \"abacus\" at index 1 (known: calculator,");
        assertThat(problems(with("tools", "[\"calculator\",\"calculate\"]"))).singleElement().asString()
            .isEqualTo("cases.jsonl:1: \"tools\": \"calculate\" offers functions.calculate a second time");
        assertThat(problems(with("tools", "\"calculator\""))).singleElement().asString()
            .isEqualTo("cases.jsonl:1: \"tools\": must be an array of builtin tool names, got the string \"calculator\"");
        assertThat(problems(with("tools", "[7]"))).singleElement().asString()
            .startsWith("cases.jsonl:1: \"tools\": unknown tool 7 at index 0");
        assertThat(problems(with("tools", null))).singleElement().asString()
            .startsWith("cases.jsonl:1: \"tools\": missing");
        assertThat(problems(with("effort", "\"max\""))).singleElement().asString()
            .isEqualTo("cases.jsonl:1: \"effort\": must be low, medium or high, got \"max\"");
        assertThat(problems(with("effort", "1"))).singleElement().asString()
            .isEqualTo("cases.jsonl:1: \"effort\": must be low, medium or high, got 1");
        assertThat(problems(with("effort", null))).singleElement().asString()
            .isEqualTo("cases.jsonl:1: \"effort\": missing (low, medium or high)");
        assertThat(problems(with("expect_final_regex", "\"(\""))).singleElement().asString()
            .isEqualTo("cases.jsonl:1: \"expect_final_regex\": not a valid regular expression: Unclosed group near index 1 in \"(\"");
        assertThat(problems(with("expect_final_regex", "null"))).singleElement().asString()
            .startsWith("cases.jsonl:1: \"expect_final_regex\": missing");
        assertThat(problems(with("expect_final_regex", "[]"))).singleElement().asString()
            .isEqualTo("cases.jsonl:1: \"expect_final_regex\": must be a string, got an array");
        assertThat(problems(with("id", null))).singleElement().asString()
            .isEqualTo("cases.jsonl:1: \"id\": missing (a non-empty string is required)");
        assertThat(problems(with("id", "\" \""))).singleElement().asString()
            .isEqualTo("cases.jsonl:1: \"id\": must be a non-empty string, got the string \" \"");
        assertThat(problems(with("id", "3"))).singleElement().asString()
            .isEqualTo("cases.jsonl:1: \"id\": must be a non-empty string, got the number 3");
        assertThat(problems(with("question", "\"\""))).singleElement().asString()
            .startsWith("cases.jsonl:1: \"question\": must be a non-empty string");
        assertThat(problems(with("expect_tool", "\"functions.nope\""))).singleElement().asString()
            .startsWith("cases.jsonl:1: \"expect_tool\": unknown tool \"functions.nope\"");
        assertThat(problems(with("expect_tool", "\"unit_converter\""))).singleElement().asString()
            .isEqualTo("cases.jsonl:1: \"expect_tool\": \"unit_converter\" is not among the offered \"tools\"");
        assertThat(problems(with("expect_tool", "null"))).singleElement().asString()
            .isEqualTo("cases.jsonl:1: \"expect_args\": set while expect_tool is null (arguments of which call?)");
        assertThat(problems(with("expect_args", "[1]"))).singleElement().asString()
            .isEqualTo("cases.jsonl:1: \"expect_args\": must be a JSON object or null, got an array");
        assertThat(problems(with("expect_arg", "{}"))).singleElement().asString()
            .startsWith("cases.jsonl:1: \"expect_arg\": unknown field (expected id, question, tools,");
    }

    @Test
    void badLinesDuplicateIdsAndEmptyFilesAreRejected() {
        assertThat(problems("{\"id\":")).singleElement().asString().startsWith("cases.jsonl:1: not valid JSON: ");
        assertThat(problems("[1,2]")).singleElement().asString()
            .isEqualTo("cases.jsonl:1: expected a JSON object, got an array");
        assertThat(problems(GOOD + " {}")).singleElement().asString().startsWith("cases.jsonl:1: not valid JSON: ");
        assertThat(problems(GOOD.replace("\"id\":\"c1\"", "\"id\":\"c1\",\"id\":\"c2\""))).singleElement().asString()
            .contains("Duplicate field 'id'");
        assertThat(problems(GOOD, "", GOOD)).containsExactly(
            "cases.jsonl:3: \"id\": duplicate id \"c1\" (first on line 1)");
        assertThat(problems("", "  ")).containsExactly("cases.jsonl: no cases (the file has no JSON lines)");
    }

    @Test
    void everyProblemOfTheFileIsReportedAtOnce() {
        var problems = problems(with("effort", "\"max\""), GOOD.replace("c1", "c2"),
            with("tools", "[\"abacus\"]").replace("c1", "c3"), "nope", with("id", "\"c2\""));
        assertThat(problems).hasSize(4);
        assertThat(problems.get(0)).startsWith("cases.jsonl:1: \"effort\"");
        assertThat(problems.get(1)).startsWith("cases.jsonl:3: \"tools\""); // and no echo about expect_tool
        assertThat(problems.get(2)).startsWith("cases.jsonl:4: not valid JSON");
        assertThat(problems.get(3)).isEqualTo("cases.jsonl:5: \"id\": duplicate id \"c2\" (first on line 2)");
    }

    @Test
    void aFileFullOfProblemsListsTheFirstFifty() {
        String[] lines = IntStream.range(0, 70).mapToObj(i -> "x").toArray(String[]::new);
        var problems = problems(lines);
        assertThat(problems).hasSize(CaseFile.MAX_LISTED + 1);
        assertThat(problems.getLast()).isEqualTo("… and 20 more problems");
    }

    @Test
    void theExamplesOfTheReadmeAreValid() throws Exception {
        assertThat(CaseFile.read(Path.of("../eval/examples.jsonl"))).extracting(EvalCase::id)
            .containsExactly("calc-mul", "units-km-mi", "time-tokyo", "no-tool");
    }

    @Test
    void readsAFileAndRejectsOneThatIsNotUtf8(@TempDir Path dir) throws Exception {
        Path good = Files.writeString(dir.resolve("good.jsonl"), GOOD + "\n");
        assertThat(CaseFile.read(good)).extracting(EvalCase::id).containsExactly("c1");
        Path bad = Files.write(dir.resolve("bad.jsonl"), new byte[] {'{', (byte) 0xff, '}'});
        assertThatThrownBy(() -> CaseFile.read(bad)).isInstanceOf(CaseFile.InvalidCases.class)
            .hasMessageContaining("not UTF-8");
    }
}
