package dev.agentrt.testkit;

import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.Optional;

/**
 * The testkit's switches, read as JUnit configuration parameters: a {@code -D} system property, an entry in
 * {@code junit-platform.properties} or a launcher parameter all work.
 */
final class KafkaBackendSettings {

    /** {@code docker} or {@code embedded} forces that backend; unset picks Docker when an engine is reachable. */
    static final String BACKEND_PROPERTY = "kafka.backend";

    /** The Kafka image for the docker backend. */
    static final String IMAGE_PROPERTY = "agentrt.kafka.image";
    static final String DEFAULT_IMAGE = "apache/kafka-native:4.1.0";

    private KafkaBackendSettings() {
    }

    static Optional<KafkaBackend> forcedBackend(ExtensionContext context) {
        return context.getConfigurationParameter(BACKEND_PROPERTY)
                .filter(value -> !value.isBlank())
                .map(KafkaBackend::fromId);
    }

    /** The forced backend, else Docker when an engine is reachable, else the embedded broker. */
    static KafkaBackend chooseBackend(ExtensionContext context) {
        return forcedBackend(context)
                .orElseGet(() -> DockerEngine.isAvailable() ? KafkaBackend.DOCKER : KafkaBackend.EMBEDDED);
    }

    static String image(ExtensionContext context) {
        return context.getConfigurationParameter(IMAGE_PROPERTY).filter(v -> !v.isBlank()).orElse(DEFAULT_IMAGE);
    }
}
