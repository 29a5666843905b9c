package dev.agentrt.tools;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A tool implemented by trusted executor code (an HTTP or Kafka route, say), registered by the
 * service. It runs in the executor and keeps working when the sandbox is unavailable; it must
 * never evaluate model-supplied code.
 */
@FunctionalInterface
public interface TrustedFunction {
    /** Returns the text shown to the model; throws to report an error result. */
    String call(JsonNode arguments) throws Exception;
}
