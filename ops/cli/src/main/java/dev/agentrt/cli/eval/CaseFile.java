package dev.agentrt.cli.eval;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.agentrt.avro.ReasoningEffort;
import dev.agentrt.tools.builtin.BuiltinTool;
import dev.agentrt.tools.builtin.BuiltinTools;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Reads a JSON Lines file of evaluation cases, one object per line, exactly:
 * <pre>{"id": "…", "question": "…", "tools": ["calculator", …], "effort": "low|medium|high",
 *  "expect_tool": "functions.calculate" | null, "expect_args": {…} | null, "expect_final_regex": "…"}</pre>
 * {@code tools} and {@code expect_tool} name builtin tools by their short names ({@code calculator},
 * {@code unit_converter}, {@code current_time}) or their function names ({@code calculate}, {@code convert_units},
 * {@code get_current_time}, with or without {@code functions.}). {@code expect_tool} and {@code expect_args} may be
 * left out (= null); blank lines are skipped. Every problem of the file is reported, each with its line and field,
 * before anything runs.
 */
public final class CaseFile {

    /** The file cannot be used; {@link #problems()} says why, one line each. */
    public static final class InvalidCases extends Exception {
        private final List<String> problems;

        InvalidCases(List<String> problems) {
            super(problems.size() + " problem" + (problems.size() == 1 ? "" : "s") + " in the case file: "
                + String.join("; ", problems.subList(0, Math.min(3, problems.size())))
                + (problems.size() > 3 ? "; …" : ""));
            this.problems = List.copyOf(problems);
        }

        public List<String> problems() {
            return problems;
        }
    }

    /** More problems than this are counted, not listed. */
    static final int MAX_LISTED = 50;

    private static final Set<String> FIELDS = Set.of("id", "question", "tools", "effort", "expect_tool", "expect_args",
        "expect_final_regex");
    private static final Map<String, String> SHORT_NAMES = Map.of(
        "calculator", "functions.calculate",
        "unit_converter", "functions.convert_units",
        "current_time", "functions.get_current_time");
    private static final JsonMapper JSON = JsonMapper.builder()
        .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
        .build();

    private CaseFile() {}

    /** The builtin tools a case may offer, by every accepted name → recipient. */
    static Map<String, String> toolNames() {
        Map<String, String> names = new LinkedHashMap<>();
        for (BuiltinTool t : BuiltinTools.standard(Clock.systemUTC()).all()) {
            names.put(t.name(), t.recipient());
            names.put(t.recipient(), t.recipient());
        }
        SHORT_NAMES.forEach((shortName, recipient) -> {
            if (!names.containsValue(recipient)) throw new IllegalStateException("no builtin tool " + recipient);
            names.put(shortName, recipient);
        });
        return names;
    }

    public static List<EvalCase> read(Path file) throws IOException, InvalidCases {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(Files.readAllBytes(file))).toString();
        } catch (CharacterCodingException e) {
            throw new InvalidCases(List.of(file + ": not UTF-8 text"));
        }
        return parse(file.toString(), text);
    }

    /** {@code source} names the input in the problems (a file name). */
    public static List<EvalCase> parse(String source, String text) throws InvalidCases {
        var problems = new ArrayList<String>();
        var cases = new ArrayList<EvalCase>();
        Map<String, Integer> idLines = new HashMap<>();
        Map<String, String> toolNames = toolNames();
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].isBlank()) continue;
            EvalCase c = new Line(source, i + 1, problems, idLines).parse(lines[i], toolNames);
            if (c != null) cases.add(c);
        }
        if (problems.isEmpty() && cases.isEmpty()) problems.add(source + ": no cases (the file has no JSON lines)");
        if (!problems.isEmpty()) {
            var listed = new ArrayList<>(problems.subList(0, Math.min(MAX_LISTED, problems.size())));
            if (problems.size() > MAX_LISTED) listed.add("… and " + (problems.size() - MAX_LISTED) + " more problems");
            throw new InvalidCases(listed);
        }
        return cases;
    }

    /** One line's checks; problems go to the shared list. */
    /** {@code idLines}: the line of each id seen so far, lines with other problems included. */
    private record Line(String source, int number, List<String> problems, Map<String, Integer> idLines) {

        void problem(String field, String what) {
            problems.add(source + ":" + number + ": " + (field == null ? "" : "\"" + field + "\": ") + what);
        }

        EvalCase parse(String text, Map<String, String> toolNames) {
            JsonNode o;
            try {
                o = JSON.readTree(text);
            } catch (JsonProcessingException e) {
                problem(null, "not valid JSON: " + e.getOriginalMessage());
                return null;
            }
            if (o == null || !o.isObject()) {
                problem(null, "expected a JSON object, got " + (o == null ? "nothing" : kind(o)));
                return null;
            }
            int before = problems.size();
            for (Iterator<String> it = o.fieldNames(); it.hasNext(); ) {
                String name = it.next();
                if (!FIELDS.contains(name)) {
                    problem(name, "unknown field (expected id, question, tools, effort, expect_tool, expect_args, "
                        + "expect_final_regex)");
                }
            }
            String id = requiredString(o, "id");
            if (id != null) {
                Integer first = idLines.putIfAbsent(id, number);
                if (first != null) problem("id", "duplicate id \"" + id + "\" (first on line " + first + ")");
            }
            String question = requiredString(o, "question");
            List<String> tools = tools(o, toolNames);
            ReasoningEffort effort = effort(o);
            String expectTool = expectTool(o, toolNames, tools);
            JsonNode expectArgs = expectArgs(o, expectTool);
            Pattern expectFinal = regex(o);
            if (problems.size() > before) return null;
            return new EvalCase(number, id, question, tools, effort, expectTool, expectArgs, expectFinal);
        }

        private String requiredString(JsonNode o, String field) {
            JsonNode v = o.get(field);
            if (v == null || v.isNull()) {
                problem(field, "missing (a non-empty string is required)");
                return null;
            }
            if (!v.isTextual() || v.asText().isBlank()) {
                problem(field, "must be a non-empty string, got " + kind(v));
                return null;
            }
            return v.asText();
        }

        /** The offered recipients; null when the field has a problem. */
        private List<String> tools(JsonNode o, Map<String, String> toolNames) {
            JsonNode v = o.get("tools");
            if (v == null || v.isNull()) {
                problem("tools", "missing (an array of builtin tool names, possibly empty, is required)");
                return null;
            }
            if (!v.isArray()) {
                problem("tools", "must be an array of builtin tool names, got " + kind(v));
                return null;
            }
            int before = problems.size();
            var out = new ArrayList<String>();
            for (int i = 0; i < v.size(); i++) {
                JsonNode t = v.get(i);
                String recipient = t.isTextual() ? toolNames.get(t.asText()) : null;
                if (recipient == null) {
                    problem("tools", "unknown tool " + t + " at index " + i + " (known: " + knownTools() + ")");
                } else if (out.contains(recipient)) {
                    problem("tools", t + " offers " + recipient + " a second time");
                } else {
                    out.add(recipient);
                }
            }
            return problems.size() == before ? out : null;
        }

        private ReasoningEffort effort(JsonNode o) {
            JsonNode v = o.get("effort");
            if (v == null || v.isNull()) {
                problem("effort", "missing (low, medium or high)");
                return null;
            }
            String s = v.isTextual() ? v.asText().toLowerCase(Locale.ROOT) : "";
            return switch (s) {
                case "low" -> ReasoningEffort.LOW;
                case "medium" -> ReasoningEffort.MEDIUM;
                case "high" -> ReasoningEffort.HIGH;
                default -> {
                    problem("effort", "must be low, medium or high, got " + v);
                    yield null;
                }
            };
        }

        private String expectTool(JsonNode o, Map<String, String> toolNames, List<String> tools) {
            JsonNode v = o.get("expect_tool");
            if (v == null || v.isNull()) return null;
            String recipient = v.isTextual() ? toolNames.get(v.asText()) : null;
            if (recipient == null) {
                problem("expect_tool", "unknown tool " + v + " (known: " + knownTools() + "; null for no tool)");
                return null;
            }
            if (tools != null && !tools.contains(recipient)) { // (null: "tools" has its own problem)
                problem("expect_tool", v + " is not among the offered \"tools\"");
                return null;
            }
            return recipient;
        }

        private JsonNode expectArgs(JsonNode o, String expectTool) {
            JsonNode v = o.get("expect_args");
            if (v == null || v.isNull()) return null;
            if (!v.isObject()) {
                problem("expect_args", "must be a JSON object or null, got " + kind(v));
                return null;
            }
            if (expectTool == null && (o.get("expect_tool") == null || o.get("expect_tool").isNull())) {
                problem("expect_args", "set while expect_tool is null (arguments of which call?)");
                return null;
            }
            return v;
        }

        private Pattern regex(JsonNode o) {
            JsonNode v = o.get("expect_final_regex");
            if (v == null || v.isNull()) {
                problem("expect_final_regex", "missing (a Java regular expression, found anywhere in the final answer)");
                return null;
            }
            if (!v.isTextual()) {
                problem("expect_final_regex", "must be a string, got " + kind(v));
                return null;
            }
            try {
                return Pattern.compile(v.asText());
            } catch (PatternSyntaxException e) {
                problem("expect_final_regex", "not a valid regular expression: " + e.getDescription()
                    + (e.getIndex() >= 0 ? " near index " + e.getIndex() : "") + " in " + v);
                return null;
            }
        }

        private static String knownTools() {
            return "calculator, unit_converter, current_time, or calculate, convert_units, get_current_time";
        }

        private static String kind(JsonNode v) {
            return switch (v.getNodeType()) {
                case STRING -> "the string " + v;
                case NUMBER -> "the number " + v;
                case BOOLEAN -> v.toString();
                case NULL -> "null";
                case ARRAY -> "an array";
                case OBJECT -> "an object";
                default -> v.getNodeType().name().toLowerCase(Locale.ROOT);
            };
        }
    }
}
