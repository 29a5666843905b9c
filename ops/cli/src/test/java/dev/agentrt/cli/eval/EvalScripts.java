package dev.agentrt.cli.eval;

import static dev.agentrt.worker.testing.HarmonyCompletions.analysis;
import static dev.agentrt.worker.testing.HarmonyCompletions.answer;
import static dev.agentrt.worker.testing.HarmonyCompletions.call;
import static dev.agentrt.worker.testing.HarmonyCompletions.completion;

import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.agentrt.generate.StopTokens;
import dev.agentrt.worker.testing.ScriptedHarmonyEngine;
import java.util.List;

/**
 * TEST ONLY: the model's side of an evaluation, read from the question as a directive, so that each case can make
 * the pipeline produce exactly the completion (and so the failure) a test wants:
 * <ul>
 *   <li>{@code calc EXPR}: a short analysis, a calculator call with {@code EXPR}, then a final answer quoting the
 *       calculator's {@code result};</li>
 *   <li>{@code call RECIPIENT ARGS}: one call as written, then a final answer quoting the tool's output;</li>
 *   <li>{@code answer TEXT}: a final answer at once;</li>
 *   <li>{@code think}: an analysis message only, every turn (the turn ends without an answer or a call);</li>
 *   <li>{@code forever}: a calculator call every turn;</li>
 *   <li>{@code garbage}: {@code <|return|>} in the middle of the message header (not valid Harmony);</li>
 *   <li>{@code crash}: the engine fails on this prompt.</li>
 * </ul>
 */
final class EvalScripts {

    private EvalScripts() {}

    static ScriptedHarmonyEngine engine() {
        return new ScriptedHarmonyEngine(EvalScripts::respond);
    }

    static int[] respond(ScriptedHarmonyEngine.Prompt prompt) {
        String q = prompt.firstUserMessage();
        var outputs = prompt.toolOutputs();
        if (q.startsWith("calc ")) {
            String expression = q.substring(5);
            if (outputs.isEmpty()) {
                return completion(analysis("Use the calculator for " + expression + "."),
                    call("functions.calculate", "{\"expression\":\"" + expression + "\"}"));
            }
            return completion(analysis("The tool says " + outputs.getLast().output() + "."),
                answer(expression + " = " + field(outputs.getLast().output(), "result")));
        }
        if (q.startsWith("call ")) {
            String[] parts = q.split(" ", 3);
            if (outputs.isEmpty()) return completion(call(parts[1], parts[2]));
            return completion(answer("The tool said: " + outputs.getLast().output()));
        }
        if (q.startsWith("answer ")) return completion(answer(q.substring(7)));
        if (q.equals("think")) return completion(analysis("Let me think about it some more."));
        if (q.equals("forever")) return completion(call("functions.calculate", "{\"expression\":\"1+1\"}"));
        if (q.equals("garbage")) return new int[] {StopTokens.RETURN};
        if (q.equals("crash")) throw new IllegalStateException("scripted engine failure");
        throw new IllegalStateException("no script for " + q);
    }

    /** A field of a tool's JSON output, as text; the whole output when it is not such JSON. */
    static String field(String json, String name) {
        try {
            var node = JsonMapper.builder().build().readTree(json).get(name);
            return node == null ? json : node.asText();
        } catch (Exception e) {
            return json;
        }
    }

    /** Cases from JSON lines, validated by the real reader. */
    static List<EvalCase> cases(String... lines) {
        try {
            return CaseFile.parse("test.jsonl", String.join("\n", lines));
        } catch (CaseFile.InvalidCases e) {
            throw new AssertionError(e.problems().toString(), e);
        }
    }

    /** One case line; {@code expectTool}, {@code expectArgs} are JSON (e.g. {@code "\"calculator\""}, {@code null}). */
    static String line(String id, String question, String tools, String expectTool, String expectArgs, String regex) {
        return "{\"id\":\"" + id + "\",\"question\":" + quote(question) + ",\"tools\":" + tools
            + ",\"effort\":\"low\",\"expect_tool\":" + expectTool + ",\"expect_args\":" + expectArgs
            + ",\"expect_final_regex\":" + quote(regex) + "}";
    }

    static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    static final String ALL_TOOLS = "[\"calculator\",\"unit_converter\",\"current_time\"]";
}
