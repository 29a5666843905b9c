package dev.agentrt.harmony;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;

/**
 * The builtin tool namespaces of openai/harmony {@code src/chat.rs} (harmony-format.md §3.5), verbatim:
 * the model was trained on exactly these texts.
 */
final class BuiltinTools {
    private static final ObjectMapper JSON = new ObjectMapper();

    static final ToolNamespaceConfig BROWSER = new ToolNamespaceConfig(
        "browser",
        String.join("\n",
            "Tool for browsing.",
            "The `cursor` appears in brackets before each browsing display: `[{cursor}]`.",
            "Cite information from the tool using the following format:",
            "`\u3010{cursor}\u2020L{line_start}(-L{line_end})?\u3011`, for example: `\u30106\u2020L9-L11\u3011` or `\u30108\u2020L3\u3011`.",
            "Do not quote more than 10 words directly from the tool output.",
            "sources=web (default: web)"),
        List.of(
            new ToolDescription("search",
                "Searches for information related to `query` and displays `topn` results.",
                schema("""
                    {"type": "object", "properties": {"query": {"type": "string"}, "topn": {"type": "number", "default": 10},
                     "source": {"type": "string"}}, "required": ["query"]}""")),
            new ToolDescription("open",
                String.join("\n",
                    "Opens the link `id` from the page indicated by `cursor` starting at line number `loc`, showing `num_lines` lines.",
                    "Valid link ids are displayed with the formatting: `\u3010{id}\u2020.*\u3011`.",
                    "If `cursor` is not provided, the most recent page is implied.",
                    "If `id` is a string, it is treated as a fully qualified URL associated with `source`.",
                    "If `loc` is not provided, the viewport will be positioned at the beginning of the document or centered on the most relevant passage, if available.",
                    "Use this function without `id` to scroll to a new location of an opened page."),
                schema("""
                    {"type": "object", "properties": {"id": {"type": ["number", "string"], "default": -1},
                     "cursor": {"type": "number", "default": -1}, "loc": {"type": "number", "default": -1},
                     "num_lines": {"type": "number", "default": -1}, "view_source": {"type": "boolean", "default": false},
                     "source": {"type": "string"}}}""")),
            new ToolDescription("find",
                "Finds exact matches of `pattern` in the current page, or the page given by `cursor`.",
                schema("""
                    {"type": "object", "properties": {"pattern": {"type": "string"}, "cursor": {"type": "number", "default": -1}},
                     "required": ["pattern"]}"""))));

    static final ToolNamespaceConfig PYTHON = new ToolNamespaceConfig(
        "python",
        "Use this tool to execute Python code in your chain of thought. The code will not be shown to the user. "
            + "This tool should be used for internal reasoning, but not for code that is intended to be visible to the "
            + "user (e.g. when creating plots, tables, or files).\n\n"
            + "When you send a message containing Python code to python, it will be executed in a stateful Jupyter "
            + "notebook environment. python will respond with the output of the execution or time out after 120.0 "
            + "seconds. The drive at '/mnt/data' can be used to save and persist user files. Internet access for this "
            + "session is UNKNOWN. Depends on the cluster.",
        List.of());

    private BuiltinTools() {
    }

    private static JsonNode schema(String json) {
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("builtin tool schema is not JSON", e);
        }
    }
}
