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
 *   <li>{@code commit.interval.ms=20}: outputs are visible to {@code read_committed} workers only after the
 *       transaction commits, so the commit interval is a floor on every hop's latency. 20 ms keeps a turn's
 *       two hops well under the 20 ms p50 budget's order while a commit (a few ms on one broker) stays a
 *       small share of the time.</li>
 *   <li>{@code linger.ms=5}: Streams' own default (100 ms) would hold outputs; the commit flushes anyway.</li>
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
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 20);
        p.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, -1L);
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        p.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0);
        p.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), 5);
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG), 100);
        p.putAll(userOverrides);
        return p;
    }
}
