package dev.agentrt.demomodel;

import dev.agentrt.avro.ToolDefinition;
import dev.agentrt.tools.builtin.BuiltinTool;
import dev.agentrt.tools.builtin.BuiltinTools;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The builtin tools as the demo model knows them: their names in eval case files ({@code calculator},
 * {@code unit_converter}, {@code current_time}) and their function definitions, built exactly like
 * {@code RequestFactory.builtinToolDefinitions()} of the CLI (namespace, name, description, JSON Schema).
 */
public final class DemoTools {

    public static final String CALCULATOR = "calculator";
    public static final String UNIT_CONVERTER = "unit_converter";
    public static final String CURRENT_TIME = "current_time";

    /** Case-file name → the function the model calls. */
    public static final Map<String, String> CASE_NAMES = Map.of(
        CALCULATOR, "functions.calculate",
        UNIT_CONVERTER, "functions.convert_units",
        CURRENT_TIME, "functions.get_current_time");

    /** The standard order of {@link BuiltinTools#standard}. */
    public static final List<String> STANDARD_ORDER = List.of(CALCULATOR, UNIT_CONVERTER, CURRENT_TIME);

    private DemoTools() {}

    /** The recipient for a case-file name or a function name ({@code calculator} or {@code functions.calculate}). */
    public static String recipient(String name) {
        String r = CASE_NAMES.get(name);
        if (r != null) return r;
        if (CASE_NAMES.containsValue(name)) return name;
        if (CASE_NAMES.containsValue("functions." + name)) return "functions." + name;
        throw new IllegalArgumentException("unknown builtin tool '" + name + "' (known: " + CASE_NAMES.keySet() + ")");
    }

    /** The function definitions offered for {@code names}, in that order. */
    public static List<ToolDefinition> definitions(List<String> names) {
        BuiltinTools builtins = BuiltinTools.standard(Clock.systemUTC());
        var out = new ArrayList<ToolDefinition>(names.size());
        for (String name : names) {
            BuiltinTool t = builtins.find(recipient(name)).orElseThrow();
            out.add(new ToolDefinition(t.namespace(), t.name(), t.description(), t.parametersSchema()));
        }
        return out;
    }
}
