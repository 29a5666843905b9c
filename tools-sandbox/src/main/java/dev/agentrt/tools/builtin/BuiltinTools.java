package dev.agentrt.tools.builtin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.agentrt.tools.json.BoundedJsonParser;
import dev.agentrt.tools.json.JsonInputException;
import dev.agentrt.tools.json.JsonLimits;
import dev.agentrt.tools.json.JsonSchemaValidator;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The builtin tools by recipient, and one call path: bounded parse → schema check → invoke. */
public final class BuiltinTools {

    /** How a builtin call ended. */
    public enum Status { OK, BAD_ARGUMENTS, ERROR, UNKNOWN_TOOL }

    /** {@code text} is the tool's output when OK, otherwise an error the model can read. */
    public record Outcome(Status status, String text) {}

    private final Map<String, BuiltinTool> byRecipient = new LinkedHashMap<>();
    private final Map<String, JsonSchemaValidator> validators = new LinkedHashMap<>();
    private final BoundedJsonParser parser = new BoundedJsonParser(JsonLimits.TOOL_ARGUMENTS);

    public BuiltinTools(List<BuiltinTool> tools) {
        var mapper = JsonMapper.builder().build();
        for (BuiltinTool t : tools) {
            if (byRecipient.putIfAbsent(t.recipient(), t) != null)
                throw new IllegalArgumentException("two builtin tools named " + t.recipient());
            try {
                validators.put(t.recipient(), new JsonSchemaValidator(mapper.readTree(t.parametersSchema())));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new UncheckedIOException("builtin " + t.recipient() + " has an invalid schema", e);
            }
        }
    }

    /** The calculator, the unit converter and the current time. */
    public static BuiltinTools standard(Clock clock) {
        return new BuiltinTools(List.of(new Calculator(), new UnitConverter(), new CurrentTime(clock)));
    }

    public Optional<BuiltinTool> find(String recipient) {
        return Optional.ofNullable(byRecipient.get(recipient));
    }

    public List<BuiltinTool> all() {
        return List.copyOf(byRecipient.values());
    }

    public Outcome call(String recipient, String argumentsJson) {
        BuiltinTool tool = byRecipient.get(recipient);
        if (tool == null) return new Outcome(Status.UNKNOWN_TOOL, "no builtin tool named '" + recipient + "'");
        JsonNode args;
        try {
            args = parser.parse(argumentsJson);
        } catch (JsonInputException e) {
            return new Outcome(Status.BAD_ARGUMENTS, e.getMessage());
        }
        List<String> violations = validators.get(recipient).validate(args);
        if (!violations.isEmpty()) {
            return new Outcome(Status.BAD_ARGUMENTS, "invalid arguments for " + recipient + ": " + String.join("; ", violations));
        }
        try {
            return new Outcome(Status.OK, tool.invoke(args));
        } catch (BuiltinTool.ToolFailure e) {
            return new Outcome(Status.ERROR, e.getMessage());
        } catch (RuntimeException e) {
            // A bug in a builtin must still answer the call (never a lost call), and say what happened.
            return new Outcome(Status.ERROR, "internal error in " + recipient + ": " + e);
        }
    }
}
