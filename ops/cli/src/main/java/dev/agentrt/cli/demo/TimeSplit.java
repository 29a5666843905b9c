package dev.agentrt.cli.demo;

import dev.agentrt.avro.InferenceResult;
import dev.agentrt.avro.ToolResult;
import dev.agentrt.serde.AgentrtSerdes;
import dev.agentrt.topics.AgentrtTopics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Where a finished conversation's time went: the workers' own time per turn (prefill + decode, from each
 * result's timings), the tools' wall time, and the rest — Kafka hops, transactions and orchestration.
 */
public record TimeSplit(long endToEndMs, long modelMs, int turns, long toolMs, int toolCalls) {

    public long kafkaMs() {
        return Math.max(0, endToEndMs - modelMs - toolMs);
    }

    public String describe() {
        return String.format(Locale.ROOT,
            "time split: %.2f s end to end = model %.2f s (%d turn%s) + tools %.3f s (%d call%s) + Kafka and orchestration %.2f s",
            endToEndMs / 1e3, modelMs / 1e3, turns, turns == 1 ? "" : "s", toolMs / 1e3, toolCalls,
            toolCalls == 1 ? "" : "s", kafkaMs() / 1e3);
    }

    /** Reads the conversation's committed results from the start of the two topics. */
    public static TimeSplit measure(Map<String, Object> client, AgentrtTopics topics, String conversationId,
                                    long endToEndMs) {
        Map<String, Object> config = new HashMap<>(client);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        long modelMs = 0;
        long toolMs = 0;
        int turns = 0;
        int calls = 0;
        try (var consumer = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
            var partitions = new ArrayList<TopicPartition>();
            for (String topic : new String[] {topics.inferenceResults(), topics.toolResults()}) {
                consumer.partitionsFor(topic, Duration.ofSeconds(10))
                    .forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (System.nanoTime() < deadline
                && ends.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
                for (var r : consumer.poll(Duration.ofMillis(100))) {
                    if (!conversationId.equals(r.key())) continue;
                    try {
                        if (r.topic().equals(topics.inferenceResults())) {
                            InferenceResult result = AgentrtSerdes.inferenceResult().deserializer().deserialize(r.topic(), r.value());
                            modelMs += result.getTimings().getPrefillMs() + result.getTimings().getDecodeMs();
                            turns++;
                        } else {
                            ToolResult result = AgentrtSerdes.toolResult().deserializer().deserialize(r.topic(), r.value());
                            toolMs += result.getResources().getWallMs();
                            calls++;
                        }
                    } catch (SerializationException skipped) {
                        // not ours to judge here; the services dead-letter such records
                    }
                }
            }
        }
        return new TimeSplit(endToEndMs, modelMs, turns, toolMs, calls);
    }
}
