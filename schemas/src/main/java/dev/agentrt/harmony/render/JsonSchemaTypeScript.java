package dev.agentrt.harmony.render;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Converts a tool's JSON-Schema parameters into the TypeScript-like type the model was trained on
 * (openai/harmony {@code json_schema_to_typescript}; harmony-format.md §3.4). The rules are reproduced
 * exactly, quirks included (raw unescaped strings, repeated object descriptions, indentation of nested
 * objects), because the rendered text must match the reference byte for byte.
 */
public final class JsonSchemaTypeScript {
    private static final String VARIANT_INDENT = "   ";
    private static final String PROPERTY_INDENT = "    ";

    private JsonSchemaTypeScript() {
    }

    public static String convert(JsonNode schema) {
        return convert(schema, "");
    }

    public static String convert(JsonNode schema, String indent) {
        JsonNode oneOf = schema.get("oneOf");
        if (oneOf != null && oneOf.isArray()) {
            return topLevelUnion(oneOf, indent);
        }
        JsonNode type = schema.get("type");
        if (type != null && type.isArray()) {
            List<String> names = new ArrayList<>();
            for (JsonNode t : type) {
                if (t.isTextual()) {
                    names.add(t.textValue().equals("integer") ? "number" : t.textValue());
                }
            }
            if (!names.isEmpty()) {
                return String.join(" | ", names);
            }
        }
        if (type != null && type.isTextual()) {
            return switch (type.textValue()) {
                case "object" -> object(schema, indent);
                case "string" -> string(schema);
                case "number", "integer" -> "number";
                case "boolean" -> "boolean";
                case "array" -> {
                    JsonNode items = schema.get("items");
                    yield items != null ? convert(items, indent) + "[]" : "Array<any>";
                }
                default -> "any";
            };
        }
        return "any";
    }

    private static String topLevelUnion(JsonNode variants, String indent) {
        StringBuilder out = new StringBuilder();
        for (JsonNode v : variants) {
            out.append('\n').append(indent).append(" | ").append(withNullable(v, convert(v, indent + VARIANT_INDENT)));
            List<String> comments = new ArrayList<>();
            JsonNode description = v.get("description");
            if (description != null && description.isTextual()) {
                comments.add(description.textValue());
            }
            JsonNode def = v.get("default");
            if (def != null) {
                comments.add(def.isTextual() && !isEnum(v)
                    ? "default: \"" + def.textValue() + "\""
                    : "default: " + SerdeJson.write(def));
            }
            if (!comments.isEmpty()) {
                out.append(" // ").append(String.join(" ", comments));
            }
        }
        return out.toString();
    }

    private static String string(JsonNode schema) {
        JsonNode values = schema.get("enum");
        if (values != null && values.isArray()) {
            List<String> quoted = new ArrayList<>();
            for (JsonNode v : values) {
                if (v.isTextual()) {
                    quoted.add("\"" + v.textValue() + "\"");
                }
            }
            if (!quoted.isEmpty()) {
                return String.join(" | ", quoted);
            }
        }
        return "string";
    }

    private static String object(JsonNode schema, String indent) {
        StringBuilder out = new StringBuilder();
        JsonNode description = schema.get("description");
        if (description != null && description.isTextual()) {
            out.append(indent).append("// ").append(description.textValue()).append('\n');
        }
        out.append("{\n");
        JsonNode properties = schema.get("properties");
        if (properties != null && properties.isObject()) {
            Set<String> required = new HashSet<>();
            JsonNode req = schema.get("required");
            if (req != null && req.isArray()) {
                for (JsonNode r : req) {
                    if (r.isTextual()) {
                        required.add(r.textValue());
                    }
                }
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = properties.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                property(e.getKey(), e.getValue(), required.contains(e.getKey()) ? "" : "?", indent, out);
            }
        }
        out.append(indent).append('}');
        return out.toString();
    }

    private static void property(String key, JsonNode val, String optional, String indent, StringBuilder out) {
        JsonNode title = val.get("title");
        if (title != null && title.isTextual()) {
            out.append(indent).append("// ").append(title.textValue()).append('\n').append(indent).append("//\n");
        }
        JsonNode description = val.get("description");
        boolean hasOneOf = val.has("oneOf");
        if (!hasOneOf && description != null && description.isTextual()) {
            out.append(indent).append("// ").append(description.textValue()).append('\n');
        }
        JsonNode examples = val.get("examples");
        if (examples != null && examples.isArray() && !examples.isEmpty()) {
            out.append(indent).append("// Examples:\n");
            for (JsonNode ex : examples) {
                if (ex.isTextual()) {
                    out.append(indent).append("// - \"").append(ex.textValue()).append("\"\n");
                }
            }
        }
        JsonNode oneOf = val.get("oneOf");
        if (oneOf != null && oneOf.isArray()) {
            propertyUnion(key, val, oneOf, optional, indent, out);
            return;
        }
        out.append(indent).append(key).append(optional).append(": ");
        out.append(withNullable(val, convert(val, indent + PROPERTY_INDENT))).append(',');
        JsonNode def = val.get("default");
        if (!hasOneOf && def != null) {
            out.append(" // default: ").append(defaultInline(val, def));
        }
        out.append('\n');
    }

    /** A property whose value is a {@code oneOf}: one {@code  | variant} line per alternative. */
    private static void propertyUnion(String key, JsonNode val, JsonNode variants, String optional, String indent,
                                      StringBuilder out) {
        JsonNode pdescNode = val.get("description");
        String pdesc = pdescNode != null && pdescNode.isTextual() ? pdescNode.textValue() : null;
        boolean skip = false;
        if (pdesc != null && !variants.isEmpty()) {
            JsonNode firstDescription = variants.get(0).get("description");
            skip = firstDescription != null && firstDescription.isTextual() && firstDescription.textValue().equals(pdesc);
        }
        boolean above = false;
        if (pdesc != null && !skip) {
            out.append(indent).append("// ").append(pdesc).append('\n');
            above = true;
        }
        JsonNode def = val.get("default");
        if (def != null) {
            out.append(indent).append("// default: ").append(defaultInline(val, def)).append('\n');
        }
        out.append(indent).append(key).append(optional).append(":\n");
        for (int i = 0; i < variants.size(); i++) {
            JsonNode v = variants.get(i);
            out.append(indent).append(" | ").append(withNullable(v, convert(v, indent + VARIANT_INDENT)));
            List<String> comments = new ArrayList<>();
            if (!(i == 0 && above)) {
                JsonNode d = v.get("description");
                if (d != null && d.isTextual() && !d.textValue().equals(pdesc)) {
                    comments.add(d.textValue());
                }
            }
            JsonNode vdef = v.get("default");
            if (vdef != null) {
                comments.add("default: " + defaultInline(v, vdef));
            }
            if (!comments.isEmpty()) {
                out.append(" // ").append(String.join(" ", comments));
            }
            out.append('\n');
        }
        out.append(indent).append(",\n");
    }

    private static String withNullable(JsonNode schema, String type) {
        JsonNode nullable = schema.get("nullable");
        if (nullable != null && nullable.isBoolean() && nullable.booleanValue() && !type.contains("null")) {
            return type + " | null";
        }
        return type;
    }

    private static boolean isEnum(JsonNode schema) {
        JsonNode values = schema.get("enum");
        return values != null && values.isArray() && !values.isEmpty();
    }

    private static String defaultInline(JsonNode schema, JsonNode def) {
        if (def.isTextual()) {
            return isEnum(schema) ? def.textValue() : "\"" + def.textValue() + "\"";
        }
        return SerdeJson.write(def);
    }
}
