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
 *   <li>{@code commit.interval.ms=5}: outputs are visible to {@code read_committed} workers only after the
 *       transaction commits, and every turn crosses the orchestrator twice, so any wait here is paid twice per
 *       turn. A record that arrives more than 5 ms after the last commit (every record of a lone conversation)
 *       is committed right after it is processed; under load a transaction carries everything processed in
 *       5 ms plus the commit time. With 0 each pass over one poll's records committed alone: one or two
 *       records per transaction at 50 conversations, and transactions (each ~6 broker requests plus markers)
 *       were most of the CPU a turn cost. Measured with {@code ops/bench/loop-overhead}: 0 -> 5 ms took 50
 *       conversations from ~45 to ~80-180 turns/s and from ~18 to ~5 broker requests per turn, with no change
 *       a lone conversation could notice.</li>
 *   <li>{@code poll.ms=5}: after processing, the thread polls before it commits when the interval is not
 *       up yet; the poll bounds that wait (Streams' default of 100 ms put 100 ms into such hops). Kafka
 *       Streams also commits once more a few ms after each record, to move its offset over the transaction
 *       marker behind it; the short poll gets that commit out of the way before the next hop's record
 *       arrives.</li>
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
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 5L);
        p.put(StreamsConfig.POLL_MS_CONFIG, 5L);
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
