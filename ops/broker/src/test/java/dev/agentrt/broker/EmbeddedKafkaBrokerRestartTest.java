package dev.agentrt.broker;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** Records written to a persistent data directory are still there after the broker is stopped and started again. */
class EmbeddedKafkaBrokerRestartTest {

    private static final String TOPIC = "restart-survivors";

    @TempDir
    Path tmp;

    @Test
    void recordsSurviveARestartOnTheSameDataDirectory() throws Exception {
        Path dataDir = tmp.resolve("kafka-data");
        List<String> written = List.of("first-" + UUID.randomUUID(), "second-" + UUID.randomUUID(), "third");

        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().dataDirectory(dataDir).build()) {
            broker.start();
            assertThat(broker.isDataDirectoryTemporary()).isFalse();
            assertThat(broker.createTopics(new org.apache.kafka.clients.admin.NewTopic(TOPIC, 2, (short) 1)))
                    .containsExactly(TOPIC);
            try (KafkaProducer<String, String> producer = producer(broker.bootstrapServers())) {
                for (String value : written) {
                    producer.send(new ProducerRecord<>(TOPIC, "conversation-1", value)).get();
                }
            }
        }
        assertThat(dataDir.resolve(DataDirectory.META_PROPERTIES)).isRegularFile();

        try (EmbeddedKafkaBroker restarted = EmbeddedKafkaBroker.builder().dataDirectory(dataDir).build()) {
            restarted.start();
            // The topic is already there: creating it again is a no-op that reports nothing created.
            assertThat(restarted.createTopics(new org.apache.kafka.clients.admin.NewTopic(TOPIC, 2, (short) 1))).isEmpty();
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, restarted.bootstrapServers()))) {
                assertThat(admin.listTopics().names().get()).contains(TOPIC);
            }
            assertThat(readValues(restarted.bootstrapServers(), written.size())).containsExactlyElementsOf(written);
        }
        assertThat(Files.isDirectory(dataDir)).as("a given data directory is kept").isTrue();
    }

    private static KafkaProducer<String, String> producer(String bootstrap) {
        return new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class));
    }

    private static List<String> readValues(String bootstrap, int expected) {
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "restart-reader",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class))) {
            consumer.subscribe(List.of(TOPIC));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (values.size() < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    values.add(record.value());
                }
            }
        }
        return values;
    }
}
