package dev.agentrt.testkit;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The same round trip on every backend; without Docker the docker invocation shows up as skipped. */
class KafkaBackendsRoundTripTest {

    @KafkaBackendsTest
    void roundTripsARecord(@KafkaBootstrap String bootstrap, RunningKafka kafka, KafkaBackend backend) throws Exception {
        assertThat(kafka.backend()).isEqualTo(backend);
        String topic = KafkaClients.uniqueTopic("backends-" + backend.id());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all"),
                new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(topic, "conversation-1", "hello from " + backend.id())).get();
        }

        List<ConsumerRecord<String, String>> records = KafkaClients.readFromStart(bootstrap, topic, 1,
                Duration.ofSeconds(30), new StringDeserializer(), new StringDeserializer(), Map.of());

        assertThat(records).extracting(ConsumerRecord::value).containsExactly("hello from " + backend.id());
    }
}
