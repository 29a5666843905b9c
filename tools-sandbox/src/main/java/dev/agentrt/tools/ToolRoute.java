package dev.agentrt.tools;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * One entry under {@code tools:} in routes.yaml, chosen by its {@code type}: {@code command} (a
 * program in the sandbox), {@code http} (POST to an allowlisted URL) or {@code kafka} (request and
 * reply topics). Every route validates the call's arguments the same way before it runs.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.EXISTING_PROPERTY, property = "type",
        visible = true)
@JsonSubTypes({
    @JsonSubTypes.Type(value = CommandRoute.class, name = "command"),
    @JsonSubTypes.Type(value = HttpRouteSettings.class, name = "http"),
    @JsonSubTypes.Type(value = KafkaRouteSettings.class, name = "kafka")})
public sealed interface ToolRoute permits CommandRoute, HttpRouteSettings, KafkaRouteSettings {

    /** Size cap of the arguments JSON. */
    Integer maxArgumentBytes();

    /** Optional JSON-schema subset the arguments must satisfy; null for none. */
    JsonNode schema();

    static int checkArgumentCap(Integer value) {
        int cap = value == null ? CommandRoute.MAX_ARGUMENT_BYTES : value;
        if (cap < 2 || cap > CommandRoute.MAX_ARGUMENT_BYTES) {
            throw new IllegalArgumentException("maxArgumentBytes must be in [2, " + CommandRoute.MAX_ARGUMENT_BYTES + "]");
        }
        return cap;
    }

    static long checkTimeout(Long value, long defaultMs) {
        long ms = value == null ? defaultMs : value;
        if (ms < 1 || ms > MAX_REMOTE_TIMEOUT_MS) {
            throw new IllegalArgumentException("timeoutMs=" + ms + " is outside [1, " + MAX_REMOTE_TIMEOUT_MS + "]");
        }
        return ms;
    }

    /** Ceiling of a remote tool's timeout: the sandbox's wall-clock ceiling (sandbox.md §3.8). */
    long MAX_REMOTE_TIMEOUT_MS = 60_000;
}
