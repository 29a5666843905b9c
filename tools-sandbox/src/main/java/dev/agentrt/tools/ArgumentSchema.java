package dev.agentrt.tools;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agentrt.tools.StrictJson.BadArgumentsException;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * The JSON-schema subset tools declare in routes.yaml: {@code type} (object, array, string,
 * integer, number, boolean, null), {@code properties}, {@code required},
 * {@code additionalProperties: false}, {@code items}, {@code enum}, {@code maxLength}, and
 * {@code format: relative-path} (no absolute path, no '..' segment, no NUL).
 */
public final class ArgumentSchema {

    private static final Set<String> KEYWORDS = Set.of("type", "properties", "required", "additionalProperties",
            "items", "enum", "maxLength", "format", "description", "title");
    private static final Set<String> TYPES = Set.of("object", "array", "string", "integer", "number", "boolean", "null");

    private ArgumentSchema() {
    }

    /** Rejects schemas using keywords this validator does not enforce: silently ignoring one would be worse. */
    static void checkSchema(JsonNode schema) {
        if (!schema.isObject()) {
            throw new IllegalArgumentException("a schema must be an object");
        }
        schema.fieldNames().forEachRemaining(name -> {
            if (!KEYWORDS.contains(name)) {
                throw new IllegalArgumentException("unsupported schema keyword '" + name + "'");
            }
        });
        if (schema.has("type") && !TYPES.contains(schema.get("type").asText())) {
            throw new IllegalArgumentException("unsupported schema type " + schema.get("type"));
        }
        if (schema.has("format") && !"relative-path".equals(schema.get("format").asText())) {
            throw new IllegalArgumentException("unsupported schema format " + schema.get("format"));
        }
        if (schema.has("properties")) {
            schema.get("properties").fields().forEachRemaining(e -> checkSchema(e.getValue()));
        }
        if (schema.has("items")) {
            checkSchema(schema.get("items"));
        }
    }

    public static void validate(JsonNode schema, JsonNode value) throws BadArgumentsException {
        validate(schema, value, "$");
    }

    private static void validate(JsonNode schema, JsonNode value, String where) throws BadArgumentsException {
        if (schema.has("type")) {
            String type = schema.get("type").asText();
            if (!hasType(value, type)) {
                throw new BadArgumentsException(where + " must be of type " + type);
            }
        }
        if (schema.has("enum")) {
            boolean found = false;
            for (JsonNode option : schema.get("enum")) {
                found |= option.equals(value);
            }
            if (!found) {
                throw new BadArgumentsException(where + " must be one of " + schema.get("enum"));
            }
        }
        if (value.isTextual()) {
            if (schema.has("maxLength") && value.textValue().codePointCount(0, value.textValue().length())
                    > schema.get("maxLength").asInt()) {
                throw new BadArgumentsException(where + " is longer than " + schema.get("maxLength").asInt());
            }
            if (schema.has("format")) {
                checkRelativePath(value.textValue(), where);
            }
        }
        if (value.isObject()) {
            JsonNode properties = schema.get("properties");
            if (schema.has("required")) {
                for (JsonNode name : schema.get("required")) {
                    if (!value.has(name.asText())) {
                        throw new BadArgumentsException(where + " is missing required field '" + name.asText() + "'");
                    }
                }
            }
            boolean closed = schema.has("additionalProperties") && !schema.get("additionalProperties").asBoolean(true);
            Iterator<Map.Entry<String, JsonNode>> fields = value.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                JsonNode propertySchema = properties == null ? null : properties.get(field.getKey());
                if (propertySchema == null) {
                    if (closed) {
                        throw new BadArgumentsException(where + " has unexpected field '" + field.getKey() + "'");
                    }
                } else {
                    validate(propertySchema, field.getValue(), where + "." + field.getKey());
                }
            }
        }
        if (value.isArray() && schema.has("items")) {
            for (int i = 0; i < value.size(); i++) {
                validate(schema.get("items"), value.get(i), where + "[" + i + "]");
            }
        }
    }

    private static boolean hasType(JsonNode value, String type) {
        return switch (type) {
            case "object" -> value.isObject();
            case "array" -> value.isArray();
            case "string" -> value.isTextual();
            case "integer" -> value.isIntegralNumber()
                    || (value.isBigDecimal() && value.decimalValue().stripTrailingZeros().scale() <= 0);
            case "number" -> value.isNumber();
            case "boolean" -> value.isBoolean();
            case "null" -> value.isNull();
            default -> false;
        };
    }

    private static void checkRelativePath(String path, String where) throws BadArgumentsException {
        if (path.isEmpty() || path.startsWith("/") || path.indexOf('\0') >= 0 || path.indexOf('\\') >= 0) {
            throw new BadArgumentsException(where + " must be a relative path inside the workspace");
        }
        for (String segment : path.split("/")) {
            if (segment.equals("..")) {
                throw new BadArgumentsException(where + " must not contain '..'");
            }
        }
    }
}
