package dev.agentrt.tools.service;

import dev.agentrt.testkit.CommittedReader;
import dev.agentrt.avro.ToolCall;
import dev.agentrt.broker.TopicCreator;
import dev.agentrt.serde.AgentrtSerdes;
import dev.agentrt.topics.AgentrtTopics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Plays the orchestrator around the executor service in broker tests: produces calls, reads results. */
final class KafkaIo implements AutoCloseable {

    static final Duration WAIT = Duration.ofSeconds(30);

    final String bootstrap;
    final AgentrtTopics topics;
    private final KafkaProducer<byte[], byte[]> producer;
    private final Admin admin;

    KafkaIo(String bootstrap) throws Exception {
        this.bootstrap = bootstrap;
        this.topics = AgentrtTopics.of("exec-" + UUID.randomUUID().toString().substring(0, 8) + ".", 2);
        this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
        TopicCreator.createMissing(admin, topics.newTopics(), WAIT);
        this.producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 2 * 1024 * 1024),
                new ByteArraySerializer(), new ByteArraySerializer());
    }

    static ToolCall call(String conversation, int turn, String recipient, String arguments, Instant deadline) {
        return ToolCall.newBuilder().setCallId(conversation + "/" + turn + "/1").setConversationId(conversation)
                .setTenant("tenant").setTurn(turn).setIndex(1).setRecipient(recipient).setChannel("commentary")
                .setArguments(arguments).setDeadline(deadline).setCreatedAt(Instant.now()).build();
    }

    static ToolCall call(String conversation, int turn, String recipient, String arguments) {
        return call(conversation, turn, recipient, arguments, Instant.now().plusSeconds(120));
    }

    Map<String, Object> clientConfig() {
        return Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    }

    @SuppressWarnings("unchecked")
    void send(String topic, String key, SpecificRecord value) throws Exception {
        var ser = (Serializer<SpecificRecord>) AgentrtSerdes.of(value.getClass()).serializer();
        sendRaw(topic, key, ser.serialize(topic, value));
    }

    void send(ToolCall call) throws Exception {
        send(topics.toolCalls(), call.getConversationId(), call);
    }

    void sendRaw(String topic, String key, byte[] value) throws Exception {
        producer.send(new ProducerRecord<>(topic, key == null ? null : key.getBytes(StandardCharsets.UTF_8), value))
                .get();
    }

    /** Committed offsets of the executor's group on tool-calls, summed over partitions. */
    long committedCalls() throws Exception {
        Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(
                topics.prefix() + "tool-executor").partitionsToOffsetAndMetadata().get();
        return offsets.entrySet().stream().filter(e -> e.getKey().topic().equals(topics.toolCalls()))
                .mapToLong(e -> e.getValue().offset()).sum();
    }

    <T extends SpecificRecord> CommittedReader<T> reader(String topic, Class<T> type) {
        return CommittedReader.of(bootstrap, topic, type);
    }

    @Override
    public void close() {
        producer.close();
        admin.close();
    }
}
