package dev.agentrt.testkit;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.Deserializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Small client helpers shared by the tests of this module. */
final class KafkaClients {

    private KafkaClients() {
    }

    static String uniqueTopic(String stem) {
        return stem + "-" + UUID.randomUUID();
    }

    /** Polls {@code topic} from the beginning until {@code expected} records arrived or {@code timeout} passed. */
    static <K, V> List<ConsumerRecord<K, V>> readFromStart(String bootstrap, String topic, int expected, Duration timeout,
                                                          Deserializer<K> keys, Deserializer<V> values,
                                                          Map<String, Object> extraConfig) {
        Map<String, Object> config = new HashMap<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "reader-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"));
        config.putAll(extraConfig);
        List<ConsumerRecord<K, V>> records = new ArrayList<>();
        try (KafkaConsumer<K, V> consumer = new KafkaConsumer<>(config, keys, values)) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + timeout.toNanos();
            while (records.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }
}
