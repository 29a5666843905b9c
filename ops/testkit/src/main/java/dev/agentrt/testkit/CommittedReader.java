package dev.agentrt.testkit;

import dev.agentrt.serde.AgentrtSerdes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * What a downstream service sees of an agentrt topic in a broker test: committed records only
 * ({@code read_committed}), from the start, decoded with the topic's Avro serde, in a fresh consumer group.
 */
public final class CommittedReader<T extends SpecificRecord> implements AutoCloseable {

    private static final Duration POLL = Duration.ofMillis(100);

    private final KafkaConsumer<String, T> consumer;

    private CommittedReader(String bootstrap, String topic, Class<T> type) {
        consumer = new KafkaConsumer<>(Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
            ConsumerConfig.GROUP_ID_CONFIG, "test-reader-" + UUID.randomUUID(),
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
            ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
            new StringDeserializer(), AgentrtSerdes.of(type).deserializer());
        consumer.subscribe(List.of(topic));
    }

    public static <T extends SpecificRecord> CommittedReader<T> of(String bootstrap, String topic, Class<T> type) {
        return new CommittedReader<>(bootstrap, topic, type);
    }

    /** Exactly {@code n} more records, or an AssertionError naming what did arrive after the timeout. */
    public List<T> next(int n, Duration timeout) {
        var out = new ArrayList<T>();
        long end = System.nanoTime() + timeout.toNanos();
        while (out.size() < n && System.nanoTime() < end) {
            consumer.poll(POLL).forEach(r -> out.add(r.value()));
        }
        if (out.size() < n) {
            throw new AssertionError("expected " + n + " records, got " + out.size() + ": " + out);
        }
        return out;
    }

    public T next(Duration timeout) {
        return next(1, timeout).getFirst();
    }

    /** Whatever arrives within {@code window}: to prove that nothing more comes. */
    public List<T> drain(Duration window) {
        var out = new ArrayList<T>();
        long end = System.nanoTime() + window.toNanos();
        while (System.nanoTime() < end) {
            consumer.poll(POLL).forEach(r -> out.add(r.value()));
        }
        return out;
    }

    @Override
    public void close() {
        consumer.close();
    }
}
