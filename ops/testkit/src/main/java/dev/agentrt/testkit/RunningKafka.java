package dev.agentrt.testkit;

/** A started Kafka broker that tests can reach; closing it stops the broker. */
public interface RunningKafka extends AutoCloseable {

    KafkaBackend backend();

    /** The {@code bootstrap.servers} value for clients. */
    String bootstrapServers();

    @Override
    void close();
}
