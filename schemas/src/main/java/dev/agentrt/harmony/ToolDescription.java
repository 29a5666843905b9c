package dev.agentrt.harmony;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;

/**
 * One tool of a namespace: its name, description and optional JSON-Schema parameters. The schema keeps
 * its key order, which the TypeScript rendering follows. The node is copied on the way in and out, so
 * the record stays immutable.
 */
public record ToolDescription(String name, String description, JsonNode parameters) {
    public ToolDescription {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(description, "description");
        parameters = parameters == null ? null : parameters.deepCopy();
    }

    public static ToolDescription of(String name, String description) {
        return new ToolDescription(name, description, null);
    }

    /** A copy of the parameter schema, or {@code null} when the tool takes none. */
    @Override
    public JsonNode parameters() {
        return parameters == null ? null : parameters.deepCopy();
    }

    /** The schema itself for read-only use by the renderer (avoids a copy per render). */
    JsonNode parametersView() {
        return parameters;
    }
}
