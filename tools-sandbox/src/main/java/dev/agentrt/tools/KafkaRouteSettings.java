package dev.agentrt.tools;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A {@code kafka} tool from routes.yaml: a tool implemented by any service that reads
 * {@code requestTopic} and answers on {@code replyTopic}. The request's key is the call id and its
 * value the JSON arguments (header {@code agentrt.tool}: the tool name); the reply must carry the
 * same call id as its key, and its value (UTF-8) is the result. A reply with the header
 * {@code agentrt.error} is a failed call whose value explains why.
 *
 * <pre>
 * tools:
 *   functions.lookup_order:
 *     type: kafka
 *     requestTopic: orders.tool-requests
 *     replyTopic: orders.tool-replies
 *     timeoutMs: 5000   # default 10000, ceiling 60000
 * </pre>
 */
public record KafkaRouteSettings(String type, String requestTopic, String replyTopic, Long timeoutMs,
                                 Integer maxArgumentBytes, JsonNode schema) implements ToolRoute {

    public static final long DEFAULT_TIMEOUT_MS = 10_000;

    public KafkaRouteSettings {
        if (!"kafka".equals(type)) {
            throw new IllegalArgumentException("route type must be 'kafka' (got '" + type + "')");
        }
        checkTopic("requestTopic", requestTopic);
        checkTopic("replyTopic", replyTopic);
        if (requestTopic.equals(replyTopic)) {
            throw new IllegalArgumentException("requestTopic and replyTopic must differ: " + requestTopic);
        }
        timeoutMs = ToolRoute.checkTimeout(timeoutMs, DEFAULT_TIMEOUT_MS);
        maxArgumentBytes = ToolRoute.checkArgumentCap(maxArgumentBytes);
        if (schema != null) {
            ArgumentSchema.checkSchema(schema);
        }
    }

    private static void checkTopic(String field, String name) {
        if (name == null || !name.matches("[A-Za-z0-9._\\-]{1,249}") || name.equals(".") || name.equals("..")) {
            throw new IllegalArgumentException(field + " must be a Kafka topic name: " + name);
        }
    }
}
