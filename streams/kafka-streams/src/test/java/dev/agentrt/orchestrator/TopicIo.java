package dev.agentrt.orchestrator;

import dev.agentrt.testkit.CommittedReader;
import dev.agentrt.serde.AgentrtSerdes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Future;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Plays the clients, workers and tool executors around the orchestrator in broker tests. */
final class TopicIo implements AutoCloseable {

    private final String bootstrap;
    private final KafkaProducer<String, byte[]> producer;

    TopicIo(String bootstrap) {
        this.bootstrap = bootstrap;
        this.producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
            ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new ByteArraySerializer());
    }

    @SuppressWarnings("unchecked")
    void send(String topic, String key, SpecificRecord value) throws Exception {
        var ser = (org.apache.kafka.common.serialization.Serializer<SpecificRecord>) AgentrtSerdes.of(value.getClass()).serializer();
        producer.send(new ProducerRecord<>(topic, key, ser.serialize(topic, value))).get();
    }

    Future<RecordMetadata> sendRaw(String topic, String key, byte[] value) {
        return producer.send(new ProducerRecord<>(topic, key, value));
    }

    /** A read_committed reader from the start of a topic: what a worker or client sees. */
    <T extends SpecificRecord> CommittedReader<T> reader(String topic, Class<T> type) {
        return CommittedReader.of(bootstrap, topic, type);
    }

    @Override
    public void close() {
        producer.close();
    }
}
