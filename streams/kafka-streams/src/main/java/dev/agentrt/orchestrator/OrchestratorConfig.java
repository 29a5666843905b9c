package dev.agentrt.orchestrator;

import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Kafka Streams settings of the orchestrator. Chosen for per-turn latency with exactly-once:
 * <ul>
 *   <li>{@code exactly_once_v2}: the store update, the output records and the input offsets commit in one
 *       transaction, so a crash never applies a result twice or loses a command.</li>
 *   <li>{@code commit.interval.ms=0}: outputs are visible to {@code read_committed} workers only after the
 *       transaction commits, and every turn crosses the orchestrator twice, so any wait here is paid twice per
 *       turn. With 0 the stream thread commits right after each pass over what one poll returned: one record
 *       per transaction when idle, everything that arrived during the previous commit under load (the commit
 *       time batches by itself).</li>
 *   <li>{@code poll.ms=10}: a pass that processed records in the same millisecond as the previous commit skips
 *       its commit until the next pass; the poll bounds how long that pass waits for input (Streams' default of
 *       100 ms would add up to 100 ms to such a hop).</li>
 *   <li>producer {@code linger.ms=5}: Streams' own default (100 ms) would hold outputs; the commit flushes
 *       anyway. Producer {@code retry.backoff.ms=10}: a transaction that starts while the coordinator still
 *       writes the previous one's markers gets CONCURRENT_TRANSACTIONS and is retried after this backoff
 *       (the 100 ms default showed up as 100 ms hops).</li>
 *   <li>{@code max.task.idle.ms=-1}: the loop needs no ordering across its three input topics (results are
 *       matched to what is awaited), so never wait for data on one topic before processing another.</li>
 * </ul>
 * Anything in the user's properties wins over these defaults.
 */
public final class OrchestratorConfig {

    public static final String DEFAULT_APPLICATION_ID = "agentrt-orchestrator";

    private OrchestratorConfig() {}

    public static Properties streamsProperties(String bootstrap, Path stateDir, Map<?, ?> userOverrides) {
        var p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, DEFAULT_APPLICATION_ID);
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 0L);
        p.put(StreamsConfig.POLL_MS_CONFIG, 10L);
        p.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, -1L);
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        p.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0);
        p.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), 5);
        p.put(StreamsConfig.producerPrefix(ProducerConfig.RETRY_BACKOFF_MS_CONFIG), 10L);
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG), 100);
        p.putAll(userOverrides);
        return p;
    }
}
