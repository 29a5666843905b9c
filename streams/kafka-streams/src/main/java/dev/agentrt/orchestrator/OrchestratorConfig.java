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
 *   <li>{@code commit.interval.ms=100}, with the processor asking for commits itself: outputs are visible to
 *       {@code read_committed} services only after the transaction commits, and every turn crosses the orchestrator
 *       twice. After emitting an inference request, a tool call or a response, the processor asks Kafka Streams to
 *       commit ({@code ProcessorContext.commit()}) as {@link CommitPacer} says: at once when the last commit carried
 *       a single such command or ended {@link OrchestratorSettings#commitPacing()} (5 ms) ago, else once at the end
 *       of that gap for everything emitted meanwhile. A lone conversation never waits for an interval, and under
 *       load a transaction carries what 5 ms plus the commit's own time bring, as the 5 ms interval did before.
 *       The interval itself only commits what nobody waits for (transcript-only steps, dead letters) and Kafka
 *       Streams' offset-only commit that moves a task's offsets over the transaction marker behind each input
 *       record. With the old 5 ms interval that extra transaction ran ~5 ms after every real one, just when the
 *       next result came back, and held it up. {@code ops/bench/loop-overhead --conversations 1,200,1}, same
 *       machine, back to back: one conversation p50 per turn 25 -> 21 ms on a cold JVM and 22 -> 16 ms warm; 200
 *       conversations at the same 0.2-0.3 transactions per turn, 385 -> 446 turns/s as the first level (5
 *       rounds), 707 -> 578 after the first (2 rounds), within this VM's noise. Asking after every command, with
 *       no pacing, cost a transaction per record: 109 turns/s at 200 conversations.</li>
 *   <li>{@code poll.ms=5}: after processing, the thread polls before it runs a deferred commit ask (a wall-clock
 *       punctuation) or the interval commit; the poll bounds that wait (Streams' default of 100 ms put 100 ms into
 *       such hops).</li>
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
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100L);
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
