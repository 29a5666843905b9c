package dev.agentrt.worker;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;

/** The Kafka client settings of a worker: the user's (security, tuning) with the settings its guarantees need. */
final class WorkerClients {
    private WorkerClients() {}

    static Map<String, Object> consumer(Map<String, Object> base, WorkerSettings s) {
        Map<String, Object> c = common(base);
        c.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.GROUP_ID_CONFIG, s.groupId());
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, s.workerId() + "-consumer");
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // A poll never returns more than the batch can take soon; the poll thread never waits on decoding.
        c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Math.max(1, s.decoder().maxBatch()));
        return c;
    }

    static Map<String, Object> resultsProducer(Map<String, Object> base, WorkerSettings s) {
        Map<String, Object> p = common(base);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, s.workerId() + "-results");
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, s.groupId() + "-" + s.workerId());
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        // A transaction that starts while the previous one's markers are still being written is answered
        // CONCURRENT_TRANSACTIONS and retried after this backoff; the 100 ms default showed up as 100 ms hops.
        p.putIfAbsent(ProducerConfig.RETRY_BACKOFF_MS_CONFIG, 10L);
        return p;
    }

    static Map<String, Object> deltasProducer(Map<String, Object> base, WorkerSettings s) {
        Map<String, Object> p = common(base);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, s.workerId() + "-deltas");
        p.remove(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 5);
        return p;
    }

    private static Map<String, Object> common(Map<String, Object> base) {
        Map<String, Object> m = new HashMap<>();
        base.forEach((k, v) -> {
            if (!k.startsWith("agentrt.")) {
                m.put(k, v);
            }
        });
        return m;
    }
}
