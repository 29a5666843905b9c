package dev.agentrt.testkit;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** Where a test's Kafka broker runs. */
public enum KafkaBackend {

    /** The in-JVM single-node KRaft broker ({@code dev.agentrt.broker.EmbeddedKafkaBroker}). */
    EMBEDDED("embedded"),

    /** A Testcontainers {@code KafkaContainer}; needs a Docker engine. */
    DOCKER("docker");

    private final String id;

    KafkaBackend(String id) {
        this.id = id;
    }

    /** The value used by {@code -Dkafka.backend=}. */
    public String id() {
        return id;
    }

    /** Parses a {@code kafka.backend} value, case-insensitively. */
    public static KafkaBackend fromId(String value) {
        String wanted = value.trim().toLowerCase(Locale.ROOT);
        for (KafkaBackend backend : values()) {
            if (backend.id.equals(wanted)) {
                return backend;
            }
        }
        throw new IllegalArgumentException("unknown " + KafkaBackendSettings.BACKEND_PROPERTY + " '" + value
                + "'; expected one of " + Arrays.stream(values()).map(KafkaBackend::id).collect(Collectors.joining(", ")));
    }
}
