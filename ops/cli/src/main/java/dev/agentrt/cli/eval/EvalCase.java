package dev.agentrt.cli.eval;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agentrt.avro.ReasoningEffort;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One evaluation case, validated: a question, the builtin tools offered (as recipients, e.g.
 * {@code functions.calculate}), the reasoning effort, and what a correct run looks like.
 *
 * @param line       1-based line of the case file it came from
 * @param expectTool the recipient the model must call first; null when it must call none
 * @param expectArgs an object that must be a subset of that call's arguments; null when any arguments do
 * @param expectFinal must be found in the final answer
 */
public record EvalCase(int line, String id, String question, List<String> tools, ReasoningEffort effort,
                       String expectTool, JsonNode expectArgs, Pattern expectFinal) {

    public EvalCase {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(question, "question");
        tools = List.copyOf(tools);
        Objects.requireNonNull(effort, "effort");
        Objects.requireNonNull(expectFinal, "expectFinal");
        if (expectTool == null && expectArgs != null) {
            throw new IllegalArgumentException("case " + id + ": expect_args without expect_tool");
        }
    }
}
