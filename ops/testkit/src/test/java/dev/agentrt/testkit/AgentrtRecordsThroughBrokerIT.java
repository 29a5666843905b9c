package dev.agentrt.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentrt.avro.DeadLetter;
import dev.agentrt.avro.DeadLetterReason;
import dev.agentrt.avro.testing.SampleRecords;
import dev.agentrt.broker.TopicCreator;
import dev.agentrt.serde.AgentrtSerdes;
import dev.agentrt.serde.AvroDeserializer;
import dev.agentrt.serde.DeadLetters;
import dev.agentrt.topics.AgentrtTopic;
import dev.agentrt.topics.AgentrtTopics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Every agentrt record type travels through a real broker with its Avro serde and comes back equal; a
 * record that is not what its topic holds fails with an error naming topic, partition and offset, and
 * becomes a dead letter. Runs on each backend ({@code docker} is skipped without a Docker engine).
 */
class AgentrtRecordsThroughBrokerIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @KafkaBackendsTest
    void everyRecordTypeRoundTripsThroughItsTopic(@KafkaBootstrap String bootstrap) throws Exception {
        AgentrtTopics topics = createTopics(bootstrap);
        List<SpecificRecord> samples = SampleRecords.oneOfEachTopicType();
        assertThat(samples).hasSize(AgentrtTopic.values().length);

        try (var producer = new KafkaProducer<>(producerConfig(bootstrap), new StringSerializer(), new ByteArraySerializer())) {
            for (SpecificRecord sample : samples) {
                AgentrtTopic topic = topicOf(sample);
                producer.send(new ProducerRecord<>(topics.name(topic), SampleRecords.CONVERSATION_ID,
                    serialize(topic, topics.name(topic), sample))).get();
            }
        }
        for (SpecificRecord sample : samples) {
            AgentrtTopic topic = topicOf(sample);
            var read = KafkaClients.readFromStart(bootstrap, topics.name(topic), 1, TIMEOUT, new StringDeserializer(),
                AgentrtSerdes.value(topic).deserializer(), Map.of());
            assertThat(read).as(topic.name()).singleElement().satisfies(r -> {
                assertThat(r.key()).isEqualTo(SampleRecords.CONVERSATION_ID);
                assertThat(r.value()).isEqualTo(sample);
            });
        }
    }

    @KafkaBackendsTest
    void aBadRecordFailsClearlyAndBecomesADeadLetter(@KafkaBootstrap String bootstrap) throws Exception {
        AgentrtTopics topics = createTopics(bootstrap);
        String requests = topics.name(AgentrtTopic.REQUESTS);
        try (var producer = new KafkaProducer<>(producerConfig(bootstrap), new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(requests, "conv-bad".getBytes(), "{\"not\":\"avro\"}".getBytes())).get();
            // A valid record of another type on the wrong topic.
            producer.send(new ProducerRecord<>(requests, "conv-bad".getBytes(),
                serialize(AgentrtTopic.TOOL_CALLS, requests, SampleRecords.toolCall()))).get();
        }
        List<ConsumerRecord<byte[], byte[]>> raw = KafkaClients.readFromStart(bootstrap, requests, 2, TIMEOUT,
            new ByteArrayDeserializer(), new ByteArrayDeserializer(), Map.of());
        var deserializer = (AvroDeserializer<?>) AgentrtSerdes.conversationRequest().deserializer();

        assertThatThrownBy(() -> deserializer.deserialize(raw.get(0)))
            .isInstanceOf(SerializationException.class)
            .hasMessageContaining("ConversationRequest")
            .hasMessageContaining("topic '" + requests + "' partition 0 offset 0")
            .hasMessageContaining("not Avro single-object encoding");
        assertThatThrownBy(() -> deserializer.deserialize(raw.get(1)))
            .isInstanceOf(SerializationException.class)
            .hasMessageContaining("offset 1")
            .hasMessageContaining("ToolCall");

        DeadLetter letter;
        try {
            deserializer.deserialize(raw.get(0));
            throw new AssertionError("expected a failure");
        } catch (SerializationException e) {
            letter = DeadLetters.fromFailedRecord(raw.get(0), e);
        }
        try (var producer = new KafkaProducer<>(producerConfig(bootstrap), new StringSerializer(), new ByteArraySerializer())) {
            String dlq = topics.name(AgentrtTopic.DLQ);
            producer.send(new ProducerRecord<>(dlq, "conv-bad", serialize(AgentrtTopic.DLQ, dlq, letter))).get();
        }
        var letters = KafkaClients.readFromStart(bootstrap, topics.name(AgentrtTopic.DLQ), 1, TIMEOUT,
            new StringDeserializer(), AgentrtSerdes.deadLetter().deserializer(), Map.of());
        DeadLetter back = (DeadLetter) letters.getFirst().value();
        assertThat(back.getReason()).isEqualTo(DeadLetterReason.VALUE_DESERIALIZATION);
        assertThat(back.getSourceTopic()).isEqualTo(requests);
        assertThat(back.getSourceOffset()).isZero();
        assertThat(back.getValue().array()).isEqualTo("{\"not\":\"avro\"}".getBytes());
    }

    private static AgentrtTopics createTopics(String bootstrap) throws Exception {
        AgentrtTopics topics = AgentrtTopics.of("it-" + UUID.randomUUID().toString().substring(0, 8) + ".", 1);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            TopicCreator.createMissing(admin, topics.newTopics(), TIMEOUT);
        }
        return topics;
    }

    private static AgentrtTopic topicOf(SpecificRecord record) {
        for (AgentrtTopic t : AgentrtTopic.values()) if (t.valueType() == record.getClass()) return t;
        throw new IllegalArgumentException("no topic carries " + record.getClass());
    }

    @SuppressWarnings("unchecked")
    private static byte[] serialize(AgentrtTopic topic, String name, SpecificRecord record) {
        return ((Serializer<SpecificRecord>) AgentrtSerdes.value(topic).serializer()).serialize(name, record);
    }

    private static Map<String, Object> producerConfig(String bootstrap) {
        return Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all");
    }
}
