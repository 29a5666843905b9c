package dev.agentrt.tools.builtin;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A tool implemented in Java inside the executor (no untrusted code runs: the arguments are data).
 * The arguments reach {@link #invoke} already parsed within bounds and validated against {@link #parametersSchema()}.
 */
public interface BuiltinTool {

    /** Namespace the model addresses, {@code functions} for all builtins. */
    default String namespace() {
        return "functions";
    }

    String name();

    /** The recipient the model writes: {@code functions.calculate}. */
    default String recipient() {
        return namespace() + "." + name();
    }

    String description();

    /** JSON Schema of the arguments object. */
    String parametersSchema();

    /** Runs the tool; the returned text (JSON) is what the model reads. */
    String invoke(JsonNode arguments) throws ToolFailure;

    /** The call cannot be answered (bad expression, unknown unit): the message goes back to the model. */
    final class ToolFailure extends Exception {
        public ToolFailure(String message) {
            super(message);
        }
    }
}
