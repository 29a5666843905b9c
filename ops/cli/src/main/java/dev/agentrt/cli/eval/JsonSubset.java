package dev.agentrt.cli.eval;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Map;

/**
 * Whether an expected JSON value is a subset of an actual one: every field of an expected object is in the actual
 * object (which may have more) with a matching value; arrays match element by element and have the same length;
 * numbers are compared by value ({@code 5} matches {@code 5.0} and {@code 5e0}); anything else must be equal.
 */
final class JsonSubset {

    private JsonSubset() {}

    /** Null when {@code expected} is a subset of {@code actual}; otherwise the first difference, with its path. */
    static String mismatch(JsonNode expected, JsonNode actual) {
        return diff("", expected, actual);
    }

    private static String diff(String path, JsonNode expected, JsonNode actual) {
        if (expected.isObject()) {
            if (!actual.isObject()) return at(path) + "expected an object, got " + show(actual);
            for (Iterator<Map.Entry<String, JsonNode>> it = expected.fields(); it.hasNext(); ) {
                var field = it.next();
                String child = path.isEmpty() ? field.getKey() : path + "." + field.getKey();
                JsonNode value = actual.get(field.getKey());
                if (value == null) return child + ": missing (expected " + show(field.getValue()) + ")";
                String d = diff(child, field.getValue(), value);
                if (d != null) return d;
            }
            return null;
        }
        if (expected.isArray()) {
            if (!actual.isArray()) return at(path) + "expected an array, got " + show(actual);
            if (expected.size() != actual.size()) {
                return at(path) + "expected " + expected.size() + " elements, got " + actual.size();
            }
            for (int i = 0; i < expected.size(); i++) {
                String d = diff(path + "[" + i + "]", expected.get(i), actual.get(i));
                if (d != null) return d;
            }
            return null;
        }
        if (expected.isNumber()) {
            if (actual.isNumber() && expected.decimalValue().compareTo(actual.decimalValue()) == 0) return null;
        } else if (expected.equals(actual)) {
            return null;
        }
        return at(path) + "expected " + show(expected) + ", got " + show(actual);
    }

    private static String at(String path) {
        return path.isEmpty() ? "" : path + ": ";
    }

    static String show(JsonNode v) {
        String s = v.toString();
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }
}
