package dev.agentrt.tools;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Map;

/**
 * Parses untrusted tool arguments with limits far below Jackson's defaults (sandbox.md §3.7
 * case 20, §3.8): depth 64, strings up to the argument cap, numbers of at most 100 characters,
 * duplicate keys rejected, no trailing tokens, no NUL or lone surrogates anywhere.
 */
public final class StrictJson {

    public static final int MAX_DEPTH = 64;
    public static final int MAX_NUMBER_CHARS = 100;

    private static final ObjectMapper MAPPER = new ObjectMapper(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(MAX_DEPTH)
                    .maxNumberLength(MAX_NUMBER_CHARS)
                    .maxStringLength(CommandRoute.MAX_ARGUMENT_BYTES)
                    .maxNameLength(1024)
                    .maxDocumentLength(CommandRoute.MAX_ARGUMENT_BYTES)
                    .build())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS);

    private StrictJson() {
    }

    /** A rejected argument document, with a message the model can act on. */
    public static final class BadArgumentsException extends Exception {
        public BadArgumentsException(String message) {
            super(message);
        }
    }

    public static JsonNode parseObject(String json, int maxBytes) throws BadArgumentsException {
        byte[] utf8 = json.getBytes(StandardCharsets.UTF_8);
        if (utf8.length > maxBytes) {
            throw new BadArgumentsException("arguments are " + utf8.length + " bytes; the limit is " + maxBytes);
        }
        JsonNode node;
        try {
            node = MAPPER.readTree(utf8);
        } catch (JsonProcessingException e) {
            throw new BadArgumentsException("arguments are not valid JSON: " + e.getOriginalMessage());
        } catch (java.io.IOException e) {
            throw new BadArgumentsException("arguments are not valid JSON: " + e.getMessage());
        }
        if (node == null || !node.isObject()) {
            throw new BadArgumentsException("arguments must be a JSON object");
        }
        checkText(node, "$");
        return node;
    }

    public static String write(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void checkText(JsonNode node, String where) throws BadArgumentsException {
        if (node.isTextual()) {
            checkString(node.textValue(), where);
        } else if (node.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                checkString(field.getKey(), where + " (field name)");
                checkText(field.getValue(), where + "." + field.getKey());
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                checkText(node.get(i), where + "[" + i + "]");
            }
        }
    }

    /** NUL bytes and unpaired surrogates are refused: they break C programs and UTF-8 serialisers. */
    static void checkString(String s, String where) throws BadArgumentsException {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\0') {
                throw new BadArgumentsException("NUL character in " + where);
            }
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i++;
                    continue;
                }
                throw new BadArgumentsException("unpaired surrogate in " + where);
            }
            if (Character.isLowSurrogate(c)) {
                throw new BadArgumentsException("unpaired surrogate in " + where);
            }
        }
    }
}
