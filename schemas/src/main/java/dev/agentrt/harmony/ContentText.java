package dev.agentrt.harmony;

import dev.agentrt.harmony.render.JsonSchemaTypeScript;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Builds the text of system and developer content (harmony-format.md §3.1–3.3). */
final class ContentText {
    private static final String FUNCTIONS_LINE = "Calls to these tools must go to the commentary channel: 'functions'.";

    private ContentText() {
    }

    static String system(SystemContent sc, boolean conversationHasFunctionTools) {
        List<String> sections = new ArrayList<>(4);
        List<String> top = new ArrayList<>(3);
        if (sc.modelIdentity() != null) {
            top.add(sc.modelIdentity());
        }
        if (sc.knowledgeCutoff() != null) {
            top.add("Knowledge cutoff: " + sc.knowledgeCutoff());
        }
        if (sc.conversationStartDate() != null) {
            top.add("Current date: " + sc.conversationStartDate());
        }
        if (!top.isEmpty()) {
            sections.add(String.join("\n", top));
        }
        if (sc.reasoningEffort() != null) {
            sections.add("Reasoning: " + sc.reasoningEffort().rendered());
        }
        if (sc.tools() != null && !sc.tools().isEmpty()) {
            sections.add(toolsSection(sc.tools()));
        }
        ChannelConfig cc = sc.channelConfig();
        if (cc != null && !cc.validChannels().isEmpty()) {
            StringBuilder channels = new StringBuilder("# Valid channels: ")
                .append(String.join(", ", cc.validChannels())).append('.');
            if (cc.channelRequired()) {
                channels.append(" Channel must be included for every message.");
            }
            if (conversationHasFunctionTools) {
                channels.append('\n').append(FUNCTIONS_LINE);
            }
            sections.add(channels.toString());
        }
        return String.join("\n\n", sections);
    }

    static String developer(DeveloperContent dc) {
        List<String> sections = new ArrayList<>(3);
        if (dc.instructions() != null) {
            sections.add("# Instructions");
            sections.add(dc.instructions());
        }
        if (dc.tools() != null && !dc.tools().isEmpty()) {
            sections.add(toolsSection(dc.tools()));
        }
        return String.join("\n\n", sections);
    }

    /** {@code template_tools_section}: namespaces in byte-wise key order (a Rust BTreeMap). */
    static String toolsSection(Map<String, ToolNamespaceConfig> tools) {
        TreeMap<String, ToolNamespaceConfig> sorted = new TreeMap<>(ContentText::compareUtf8);
        sorted.putAll(tools);
        List<String> sections = new ArrayList<>(sorted.size() + 1);
        sections.add("# Tools");
        for (ToolNamespaceConfig ns : sorted.values()) {
            List<String> lines = new ArrayList<>();
            lines.add("## " + ns.name() + "\n");
            boolean hasTools = !ns.tools().isEmpty();
            if (ns.description() != null) {
                for (String line : lines(ns.description())) {
                    lines.add(hasTools ? "// " + line : line);
                }
            }
            if (hasTools) {
                lines.add("namespace " + ns.name() + " {\n");
                for (ToolDescription tool : ns.tools()) {
                    for (String line : lines(tool.description())) {
                        lines.add("// " + line);
                    }
                    if (tool.parametersView() != null) {
                        lines.add("type " + tool.name() + " = (_: " + JsonSchemaTypeScript.convert(tool.parametersView())
                            + ") => any;\n");
                    } else {
                        lines.add("type " + tool.name() + " = () => any;\n");
                    }
                }
                lines.add("} // namespace " + ns.name());
            }
            sections.add(String.join("\n", lines));
        }
        return String.join("\n\n", sections);
    }

    /** Rust {@code str::lines}: split on \n, drop a \r before it, no final empty line, none for "". */
    static List<String> lines(String s) {
        List<String> out = new ArrayList<>();
        int start = 0;
        while (start < s.length()) {
            int nl = s.indexOf('\n', start);
            int end = nl < 0 ? s.length() : nl;
            String line = s.substring(start, end);
            if (nl >= 0 && line.endsWith("\r")) {
                line = line.substring(0, line.length() - 1);
            }
            out.add(line);
            if (nl < 0) {
                break;
            }
            start = nl + 1;
        }
        return out;
    }

    /** Orders strings as their UTF-8 bytes would (code point order, unlike String.compareTo). */
    static int compareUtf8(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) {
                return Integer.compare(ca, cb);
            }
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }
}
