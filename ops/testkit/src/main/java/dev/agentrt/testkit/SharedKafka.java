package dev.agentrt.testkit;

import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One broker per backend for the whole test run (the JVM of a surefire fork): kept in the root extension store,
 * started on first use and closed by JUnit when the root context closes, after the last test class.
 */
final class SharedKafka {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(SharedKafka.class);

    private SharedKafka() {
    }

    static RunningKafka get(ExtensionContext context, KafkaBackend backend) {
        ExtensionContext.Store store = context.getRoot().getStore(NAMESPACE);
        return store.getOrComputeIfAbsent(backend, b -> start(context, b), RunningKafka.class);
    }

    private static RunningKafka start(ExtensionContext context, KafkaBackend backend) {
        return switch (backend) {
            case EMBEDDED -> EmbeddedRunningKafka.start();
            case DOCKER -> ContainerRunningKafka.start(KafkaBackendSettings.image(context));
        };
    }
}
