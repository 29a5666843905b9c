package dev.agentrt.tools.builtin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

/** {@code functions.calculate}: evaluates an arithmetic expression safely (a parser, never eval). */
public final class Calculator implements BuiltinTool {

    @Override
    public String name() {
        return "calculate";
    }

    @Override
    public String description() {
        return "Evaluate an arithmetic expression exactly, e.g. '(12.5 * 4) / 3' or 'sqrt(2) ^ 2'. "
            + "Supports + - * / % ^, parentheses, pi, e, sqrt, abs, round, floor, ceil, ln, log, exp, sin, cos, tan, min, max.";
    }

    @Override
    public String parametersSchema() {
        return """
            {"type":"object","properties":{"expression":{"type":"string","description":"The expression to evaluate","minLength":1,"maxLength":1000}},"required":["expression"],"additionalProperties":false}""";
    }

    @Override
    public String invoke(JsonNode arguments) throws ToolFailure {
        String expression = arguments.path("expression").asText();
        double value = ExpressionParser.evaluate(expression);
        var out = JsonNodeFactory.instance.objectNode();
        out.put("expression", expression);
        out.put("result", Numbers.tidy(value));
        return out.toString();
    }
}
