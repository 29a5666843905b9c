package dev.agentrt.testkit;

import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

/** A Testcontainers Kafka (KRaft, single node) in Docker. */
final class ContainerRunningKafka implements RunningKafka {

    private final KafkaContainer container;

    private ContainerRunningKafka(KafkaContainer container) {
        this.container = container;
    }

    static ContainerRunningKafka start(String image) {
        if (!DockerEngine.isAvailable()) {
            throw new IllegalStateException("the docker Kafka backend was requested (-D"
                    + KafkaBackendSettings.BACKEND_PROPERTY + "=docker) but no Docker engine is reachable;"
                    + " start Docker or use -D" + KafkaBackendSettings.BACKEND_PROPERTY + "=embedded");
        }
        KafkaContainer container = new KafkaContainer(DockerImageName.parse(image));
        try {
            container.start();
        } catch (RuntimeException e) {
            container.close();
            throw new IllegalStateException("starting Kafka container " + image + " failed: " + e.getMessage(), e);
        }
        return new ContainerRunningKafka(container);
    }

    @Override
    public KafkaBackend backend() {
        return KafkaBackend.DOCKER;
    }

    @Override
    public String bootstrapServers() {
        return container.getBootstrapServers();
    }

    @Override
    public void close() {
        container.close();
    }

    @Override
    public String toString() {
        return "Kafka container " + container.getDockerImageName() + " at " + container.getBootstrapServers();
    }
}
