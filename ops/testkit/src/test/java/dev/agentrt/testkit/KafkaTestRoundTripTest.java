package dev.agentrt.testkit;

import dev.agentrt.topics.AgentrtTopics;
import dev.agentrt.broker.TopicCreator;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** Runs against whichever broker {@link KafkaTest} picks: Testcontainers with Docker, the embedded one without. */
@KafkaTest
class KafkaTestRoundTripTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @Test
    void theChosenBackendIsTheOneItReports(RunningKafka kafka, KafkaBackend backend, @KafkaBootstrap String bootstrap) {
        assertThat(kafka.backend()).isEqualTo(backend);
        assertThat(kafka.bootstrapServers()).isEqualTo(bootstrap);
        if (!DockerEngine.isAvailable()) {
            assertThat(backend).isEqualTo(KafkaBackend.EMBEDDED);
        }
    }

    @Test
    void producesAndConsumesBytes(@KafkaBootstrap String bootstrap) throws Exception {
        String topic = KafkaClients.uniqueTopic("bytes");
        byte[] payload = {0, 1, 2, (byte) 0xff, 42};
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all"),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topic, "k".getBytes(StandardCharsets.UTF_8), payload)).get();
        }

        List<ConsumerRecord<byte[], byte[]>> records = KafkaClients.readFromStart(bootstrap, topic, 1, TIMEOUT,
                new ByteArrayDeserializer(), new ByteArrayDeserializer(), Map.of());

        assertThat(records).singleElement().satisfies(r -> {
            assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo("k");
            assertThat(r.value()).containsExactly(payload);
        });
    }

    @Test
    void producesAndConsumesStringsInOrderPerKey(@KafkaBootstrap String bootstrap) throws Exception {
        String topic = KafkaClients.uniqueTopic("strings");
        List<String> sent = List.of("analysis", "tool call", "tool result", "final answer");
        try (KafkaProducer<String, String> producer = stringProducer(bootstrap, Map.of())) {
            for (String value : sent) {
                producer.send(new ProducerRecord<>(topic, "conversation-7", value)).get();
            }
        }

        List<ConsumerRecord<String, String>> records = KafkaClients.readFromStart(bootstrap, topic, sent.size(), TIMEOUT,
                new StringDeserializer(), new StringDeserializer(), Map.of());

        assertThat(records).extracting(ConsumerRecord::value).containsExactlyElementsOf(sent);
        assertThat(records).extracting(ConsumerRecord::key).containsOnly("conversation-7");
    }

    /** Needs the single-node transaction-state overrides: without them initTransactions() never completes. */
    @Test
    void readCommittedConsumerSeesOnlyCommittedTransactions(@KafkaBootstrap String bootstrap) throws Exception {
        String topic = KafkaClients.uniqueTopic("transactions");
        try (KafkaProducer<String, String> producer = stringProducer(bootstrap, Map.of(
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, "tx-" + UUID.randomUUID(),
                ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) TIMEOUT.toMillis()))) {
            producer.initTransactions();

            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, "c1", "aborted-1"));
            producer.send(new ProducerRecord<>(topic, "c1", "aborted-2"));
            producer.flush();
            producer.abortTransaction();

            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, "c1", "committed-1"));
            producer.send(new ProducerRecord<>(topic, "c1", "committed-2"));
            producer.commitTransaction();
        }

        List<ConsumerRecord<String, String>> committed = KafkaClients.readFromStart(bootstrap, topic, 2, TIMEOUT,
                new StringDeserializer(), new StringDeserializer(),
                Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"));
        List<ConsumerRecord<String, String>> everything = KafkaClients.readFromStart(bootstrap, topic, 4, TIMEOUT,
                new StringDeserializer(), new StringDeserializer(),
                Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted"));

        assertThat(committed).extracting(ConsumerRecord::value).containsExactly("committed-1", "committed-2");
        assertThat(everything).extracting(ConsumerRecord::value)
                .containsExactly("aborted-1", "aborted-2", "committed-1", "committed-2");
    }

    @Test
    void agentrtLayoutTopicsExistWithTheRequestedPartitionCount(@KafkaBootstrap String bootstrap) throws Exception {
        String prefix = "layout-" + UUID.randomUUID().toString().substring(0, 8) + ".";
        AgentrtTopics layout = AgentrtTopics.of(prefix, 4);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            assertThat(TopicCreator.createMissing(admin, layout.newTopics(), TIMEOUT))
                    .containsExactlyInAnyOrderElementsOf(layout.allNames());
            assertThat(TopicCreator.createMissing(admin, layout.newTopics(), TIMEOUT)).as("second call creates nothing").isEmpty();

            Map<String, TopicDescription> described = admin.describeTopics(layout.allNames()).allTopicNames().get();

            assertThat(described.keySet()).containsExactlyInAnyOrder(
                    prefix + "requests", prefix + "inference", prefix + "inference-results", prefix + "tool-calls",
                    prefix + "tool-results", prefix + "responses", prefix + "transcript", prefix + "deltas", prefix + "dlq");
            assertThat(described.values()).allSatisfy(d -> assertThat(d.partitions()).hasSize(4));
        }
    }

    private static KafkaProducer<String, String> stringProducer(String bootstrap, Map<String, Object> extra) {
        Map<String, Object> config = new java.util.HashMap<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true));
        config.putAll(extra);
        return new KafkaProducer<>(config, new StringSerializer(), new StringSerializer());
    }
}
