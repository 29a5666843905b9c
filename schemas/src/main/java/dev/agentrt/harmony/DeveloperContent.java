package dev.agentrt.harmony;

import java.util.List;
import java.util.Map;

/**
 * The content of the developer message (harmony-format.md §3.2): instructions and function tools. Both
 * are optional ({@code null} = unset); with nothing set it renders as the empty string.
 */
public record DeveloperContent(String instructions, Map<String, ToolNamespaceConfig> tools) implements Content {
    /** The namespace key and name of caller-defined functions. */
    public static final String FUNCTIONS = "functions";

    public DeveloperContent {
        tools = ToolNamespaces.copy(tools);
    }

    public static DeveloperContent empty() {
        return new DeveloperContent(null, null);
    }

    public DeveloperContent withInstructions(String text) {
        return new DeveloperContent(text, tools);
    }

    public DeveloperContent withTools(Map<String, ToolNamespaceConfig> namespaces) {
        return new DeveloperContent(instructions, namespaces);
    }

    /** Adds (or replaces) a namespace under the key {@code ns.name()}. */
    public DeveloperContent withTools(ToolNamespaceConfig ns) {
        return withTools(ToolNamespaces.with(tools, ns.name(), ns));
    }

    /** {@code with_function_tools}: the namespace {@code functions} (no description) holding these tools. */
    public DeveloperContent withFunctionTools(List<ToolDescription> functions) {
        return withTools(ToolNamespaces.with(tools, FUNCTIONS, new ToolNamespaceConfig(FUNCTIONS, null, functions)));
    }

    /** True when the {@code functions} namespace exists and holds at least one tool (§4.1). */
    public boolean hasFunctionTools() {
        if (tools == null) {
            return false;
        }
        ToolNamespaceConfig ns = tools.get(FUNCTIONS);
        return ns != null && !ns.tools().isEmpty();
    }
}
