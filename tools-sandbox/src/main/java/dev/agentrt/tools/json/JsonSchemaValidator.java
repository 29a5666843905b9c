package dev.agentrt.tools.json;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Validates tool arguments against the tool's JSON Schema: the subset tool definitions use in practice
 * ({@code type}, {@code properties}, {@code required}, {@code additionalProperties}, {@code enum},
 * {@code const}, numeric and length bounds, {@code pattern}, {@code items}, {@code anyOf}/{@code oneOf}).
 * Unknown keywords are ignored, as JSON Schema requires. Errors name the path ({@code $.city}) so the model
 * can fix its call.
 */
public final class JsonSchemaValidator {

    /** {@code pattern} runs only on strings up to this length (a schema regex must not become a ReDoS). */
    static final int MAX_PATTERN_INPUT = 4096;

    private final JsonNode schema;

    public JsonSchemaValidator(JsonNode schema) {
        this.schema = schema;
    }

    /** Returns the violations, empty when the value is valid. */
    public List<String> validate(JsonNode value) {
        var errors = new ArrayList<String>();
        check(schema, value, "$", errors);
        return errors;
    }

    private void check(JsonNode s, JsonNode v, String path, List<String> errors) {
        if (s == null || s.isNull() || (s.isBoolean() && s.booleanValue())) return;
        if (s.isBoolean()) {
            errors.add(path + ": no value is allowed here");
            return;
        }
        if (s.has("type") && !typeMatches(s.get("type"), v)) {
            errors.add(path + ": expected " + typeText(s.get("type")) + ", got " + jsonType(v));
            return;
        }
        if (s.has("enum")) {
            boolean found = false;
            for (JsonNode option : s.get("enum")) found |= equalJson(option, v);
            if (!found) errors.add(path + ": must be one of " + s.get("enum"));
        }
        if (s.has("const") && !equalJson(s.get("const"), v)) errors.add(path + ": must be " + s.get("const"));
        if (v.isNumber()) checkNumber(s, v.decimalValue(), path, errors);
        if (v.isTextual()) checkString(s, v.textValue(), path, errors);
        if (v.isObject()) checkObject(s, v, path, errors);
        if (v.isArray()) checkArray(s, v, path, errors);
        if (s.has("anyOf")) checkAlternatives(s.get("anyOf"), v, path, errors, false);
        if (s.has("oneOf")) checkAlternatives(s.get("oneOf"), v, path, errors, true);
    }

    private void checkNumber(JsonNode s, BigDecimal n, String path, List<String> errors) {
        if (s.has("minimum") && n.compareTo(s.get("minimum").decimalValue()) < 0)
            errors.add(path + ": must be >= " + s.get("minimum"));
        if (s.has("maximum") && n.compareTo(s.get("maximum").decimalValue()) > 0)
            errors.add(path + ": must be <= " + s.get("maximum"));
        if (s.has("exclusiveMinimum") && s.get("exclusiveMinimum").isNumber()
            && n.compareTo(s.get("exclusiveMinimum").decimalValue()) <= 0)
            errors.add(path + ": must be > " + s.get("exclusiveMinimum"));
        if (s.has("exclusiveMaximum") && s.get("exclusiveMaximum").isNumber()
            && n.compareTo(s.get("exclusiveMaximum").decimalValue()) >= 0)
            errors.add(path + ": must be < " + s.get("exclusiveMaximum"));
    }

    private void checkString(JsonNode s, String text, String path, List<String> errors) {
        int length = text.codePointCount(0, text.length());
        if (s.has("minLength") && length < s.get("minLength").asInt())
            errors.add(path + ": must have at least " + s.get("minLength") + " characters");
        if (s.has("maxLength") && length > s.get("maxLength").asInt())
            errors.add(path + ": must have at most " + s.get("maxLength") + " characters");
        if (s.has("pattern")) {
            if (text.length() > MAX_PATTERN_INPUT) {
                errors.add(path + ": too long to check against its pattern (over " + MAX_PATTERN_INPUT + " characters)");
                return;
            }
            try {
                if (!Pattern.compile(s.get("pattern").asText()).matcher(text).find())
                    errors.add(path + ": must match the pattern " + s.get("pattern"));
            } catch (PatternSyntaxException e) {
                errors.add(path + ": the tool's schema has an invalid pattern " + s.get("pattern"));
            }
        }
    }

    private void checkObject(JsonNode s, JsonNode v, String path, List<String> errors) {
        JsonNode props = s.path("properties");
        if (s.has("required")) {
            for (JsonNode name : s.get("required")) {
                if (!v.has(name.asText())) errors.add(path + ": missing required property '" + name.asText() + "'");
            }
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
            var field = it.next();
            String child = path + "." + field.getKey();
            if (props.has(field.getKey())) {
                check(props.get(field.getKey()), field.getValue(), child, errors);
            } else if (s.has("additionalProperties")) {
                JsonNode extra = s.get("additionalProperties");
                if (extra.isBoolean() && !extra.booleanValue()) errors.add(child + ": unknown property");
                else check(extra, field.getValue(), child, errors);
            }
        }
    }

    private void checkArray(JsonNode s, JsonNode v, String path, List<String> errors) {
        if (s.has("minItems") && v.size() < s.get("minItems").asInt())
            errors.add(path + ": must have at least " + s.get("minItems") + " items");
        if (s.has("maxItems") && v.size() > s.get("maxItems").asInt())
            errors.add(path + ": must have at most " + s.get("maxItems") + " items");
        if (s.has("items") && s.get("items").isObject()) {
            for (int i = 0; i < v.size(); i++) check(s.get("items"), v.get(i), path + "[" + i + "]", errors);
        }
    }

    private void checkAlternatives(JsonNode options, JsonNode v, String path, List<String> errors, boolean exactlyOne) {
        int matches = 0;
        for (JsonNode option : options) {
            var sub = new ArrayList<String>();
            check(option, v, path, sub);
            if (sub.isEmpty()) matches++;
        }
        if (matches == 0) errors.add(path + ": matches none of the allowed shapes");
        else if (exactlyOne && matches > 1) errors.add(path + ": matches more than one of the allowed shapes");
    }

    private static boolean typeMatches(JsonNode type, JsonNode v) {
        if (type.isArray()) {
            for (JsonNode t : type) if (typeMatches(t, v)) return true;
            return false;
        }
        return switch (type.asText()) {
            case "string" -> v.isTextual();
            case "number" -> v.isNumber();
            case "integer" -> v.isIntegralNumber()
                || (v.isNumber() && v.decimalValue().stripTrailingZeros().scale() <= 0);
            case "boolean" -> v.isBoolean();
            case "object" -> v.isObject();
            case "array" -> v.isArray();
            case "null" -> v.isNull();
            default -> true; // unknown type names are not ours to reject
        };
    }

    private static String typeText(JsonNode type) {
        return type.isArray() ? type.toString() : type.asText();
    }

    private static String jsonType(JsonNode v) {
        if (v.isTextual()) return "string";
        if (v.isIntegralNumber()) return "integer";
        if (v.isNumber()) return "number";
        if (v.isBoolean()) return "boolean";
        if (v.isObject()) return "object";
        if (v.isArray()) return "array";
        return "null";
    }

    private static boolean equalJson(JsonNode a, JsonNode b) {
        if (a.isNumber() && b.isNumber()) return a.decimalValue().compareTo(b.decimalValue()) == 0;
        return a.equals(b);
    }
}
