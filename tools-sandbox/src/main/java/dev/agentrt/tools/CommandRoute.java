package dev.agentrt.tools;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;

/**
 * A {@code command} tool from routes.yaml: a program run in the sandbox with the call's JSON
 * arguments on stdin; its stdout (and stderr) is the result.
 *
 * @param type              must be {@code command}
 * @param command           absolute program path and fixed arguments (visible inside the sandbox:
 *                          under /usr or one of {@code readOnlyPaths})
 * @param readOnlyPaths     host paths mounted read-only (and executable) at the same place
 * @param limits            per-call limits
 * @param maxArgumentBytes  size cap of the arguments JSON (default and ceiling 256 KiB)
 * @param schema            optional JSON-schema subset the arguments must satisfy
 */
public record CommandRoute(String type, List<String> command, List<String> readOnlyPaths, LimitsSettings limits,
                           Integer maxArgumentBytes, JsonNode schema) implements ToolRoute {

    public static final int MAX_ARGUMENT_BYTES = 256 * 1024;

    public CommandRoute {
        if (!"command".equals(type)) {
            throw new IllegalArgumentException("route type must be 'command' (got '" + type + "')");
        }
        if (command == null || command.isEmpty() || !command.getFirst().startsWith("/")) {
            throw new IllegalArgumentException("'command' must be a non-empty list starting with an absolute path");
        }
        command = List.copyOf(command);
        readOnlyPaths = readOnlyPaths == null ? List.of() : List.copyOf(readOnlyPaths);
        for (String p : readOnlyPaths) {
            Path path = Path.of(p);
            if (!path.isAbsolute() || !path.normalize().equals(path) || path.toString().equals("/")) {
                throw new IllegalArgumentException("readOnlyPaths entries must be absolute, normalised and not '/': " + p);
            }
        }
        limits = limits == null ? LimitsSettings.none() : limits;
        maxArgumentBytes = ToolRoute.checkArgumentCap(maxArgumentBytes);
        if (schema != null) {
            ArgumentSchema.checkSchema(schema);
        }
    }
}
