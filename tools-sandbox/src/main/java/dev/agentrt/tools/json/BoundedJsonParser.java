package dev.agentrt.tools.json;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Parses untrusted JSON within {@link JsonLimits}: size checked before parsing, depth and string/number
 * lengths enforced by Jackson's stream constraints, duplicate keys rejected (a model that writes
 * {@code {"a":1,"a":2}} must get an error, not a silently chosen value), trailing content rejected.
 */
public final class BoundedJsonParser {

    private final JsonLimits limits;
    private final JsonMapper mapper;

    public BoundedJsonParser(JsonLimits limits) {
        this.limits = limits;
        this.mapper = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .build();
        mapper.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
            .maxNestingDepth(limits.maxDepth())
            .maxStringLength(limits.maxStringLength())
            .maxNumberLength(limits.maxNumberLength())
            .maxDocumentLength(limits.maxBytes())
            .build());
    }

    public JsonNode parse(String json) throws JsonInputException {
        if (json == null || json.isBlank()) throw new JsonInputException("arguments are empty; expected a JSON object");
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > limits.maxBytes()) {
            throw new JsonInputException("arguments are " + bytes.length + " bytes; the limit is " + limits.maxBytes());
        }
        try (JsonParser parser = mapper.createParser(bytes)) {
            JsonNode node = mapper.readTree(parser);
            if (node == null || node.isMissingNode()) throw new JsonInputException("arguments are empty; expected a JSON object");
            return node;
        } catch (JsonProcessingException e) {
            throw new JsonInputException("arguments are not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new JsonInputException("arguments could not be read: " + e.getMessage(), e);
        }
    }
}
