package dev.agentrt.harmony;

import java.util.List;
import java.util.Objects;

/**
 * A namespace of tools as rendered under {@code # Tools}: {@code functions} in the developer message, or
 * the builtin {@code browser} / {@code python} namespaces in the system message.
 */
public record ToolNamespaceConfig(String name, String description, List<ToolDescription> tools) {
    public ToolNamespaceConfig {
        Objects.requireNonNull(name, "name");
        tools = List.copyOf(Objects.requireNonNull(tools, "tools"));
    }

    /** The builtin browser namespace (openai/harmony {@code ToolNamespaceConfig::browser()}). */
    public static ToolNamespaceConfig browser() {
        return BuiltinTools.BROWSER;
    }

    /** The builtin python namespace (openai/harmony {@code ToolNamespaceConfig::python()}). */
    public static ToolNamespaceConfig python() {
        return BuiltinTools.PYTHON;
    }
}
