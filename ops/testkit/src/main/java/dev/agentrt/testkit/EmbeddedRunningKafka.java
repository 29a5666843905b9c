package dev.agentrt.testkit;

import dev.agentrt.broker.EmbeddedKafkaBroker;

/** The in-JVM KRaft broker on a free port with a temporary data directory. */
final class EmbeddedRunningKafka implements RunningKafka {

    private final EmbeddedKafkaBroker broker;

    private EmbeddedRunningKafka(EmbeddedKafkaBroker broker) {
        this.broker = broker;
    }

    static EmbeddedRunningKafka start() {
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().build();
        broker.start();
        return new EmbeddedRunningKafka(broker);
    }

    @Override
    public KafkaBackend backend() {
        return KafkaBackend.EMBEDDED;
    }

    @Override
    public String bootstrapServers() {
        return broker.bootstrapServers();
    }

    @Override
    public void close() {
        broker.close();
    }

    @Override
    public String toString() {
        return "embedded Kafka at " + broker.bootstrapServers();
    }
}
