package dev.agentrt.cli.client;

import dev.agentrt.avro.ConversationResponse;
import dev.agentrt.avro.TokenDelta;
import dev.agentrt.avro.TranscriptEvent;
import dev.agentrt.serde.AgentrtSerdes;
import dev.agentrt.topics.AgentrtTopic;
import dev.agentrt.topics.AgentrtTopics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Follows transcript, deltas and responses (committed records only) without joining a consumer group:
 * all partitions assigned, positioned at the end ({@link #fromNow}) or the beginning ({@link #fromStart}).
 * Records that do not decode are reported, not fatal: a watcher must survive a bad record.
 */
public final class ConversationFollower implements AutoCloseable {

    /** What the follower saw; exactly one of the fields is set. */
    public record Seen(TranscriptEvent transcript, TokenDelta delta, ConversationResponse response, String problem) {}

    private final KafkaConsumer<String, byte[]> consumer;
    private final AgentrtTopics topics;
    private final String conversationId;

    private ConversationFollower(Map<String, Object> clientConfig, AgentrtTopics topics,
                                 String conversationId, boolean fromStart, boolean withDeltas) {
        this.topics = topics;
        this.conversationId = conversationId;
        Map<String, Object> config = new HashMap<>(clientConfig);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        consumer = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
        var partitions = new ArrayList<TopicPartition>();
        var names = new ArrayList<>(List.of(topics.transcript(), topics.responses()));
        if (withDeltas) names.add(topics.deltas());
        for (String topic : names) {
            consumer.partitionsFor(topic, Duration.ofSeconds(30))
                .forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
        }
        consumer.assign(partitions);
        if (fromStart) consumer.seekToBeginning(partitions);
        else consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position); // resolve now, before anything is submitted
    }

    /** {@code clientConfig}: Kafka consumer settings including {@code bootstrap.servers}. */
    public static ConversationFollower fromNow(Map<String, Object> clientConfig, AgentrtTopics topics,
                                               String conversationId, boolean withDeltas) {
        return new ConversationFollower(clientConfig, topics, conversationId, false, withDeltas);
    }

    public static ConversationFollower fromStart(Map<String, Object> clientConfig, AgentrtTopics topics,
                                                 String conversationId, boolean withDeltas) {
        return new ConversationFollower(clientConfig, topics, conversationId, true, withDeltas);
    }

    public List<Seen> poll(Duration timeout) {
        var out = new ArrayList<Seen>();
        for (ConsumerRecord<String, byte[]> r : consumer.poll(timeout)) {
            if (conversationId != null && !conversationId.equals(r.key())) continue;
            AgentrtTopic topic = topics.topicOf(r.topic()).orElseThrow();
            try {
                Object value = AgentrtSerdes.value(topic).deserializer().deserialize(r.topic(), r.value());
                switch (value) {
                    case TranscriptEvent t -> out.add(new Seen(t, null, null, null));
                    case TokenDelta d -> out.add(new Seen(null, d, null, null));
                    case ConversationResponse c -> out.add(new Seen(null, null, c, null));
                    default -> out.add(new Seen(null, null, null, "unexpected record on " + r.topic()));
                }
            } catch (SerializationException e) {
                out.add(new Seen(null, null, null, e.getMessage()));
            }
        }
        return out;
    }

    /**
     * Everything committed so far on every followed partition: the topics are separate logs, so a response can
     * be read before the transcript events that precede it in time.
     */
    public List<Seen> drainToEnd(Duration limit) {
        var out = new ArrayList<Seen>();
        Map<TopicPartition, Long> ends = consumer.endOffsets(consumer.assignment());
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline
            && ends.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
            out.addAll(poll(Duration.ofMillis(100)));
        }
        return out;
    }

    @Override
    public void close() {
        consumer.close();
    }
}
