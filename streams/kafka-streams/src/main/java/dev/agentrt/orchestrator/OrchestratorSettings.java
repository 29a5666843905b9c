package dev.agentrt.orchestrator;

import java.time.Duration;
import java.util.Map;

/**
 * The orchestrator's own knobs (Kafka Streams settings live in {@link OrchestratorConfig}).
 *
 * @param maxInputRecordBytes larger input records go to the dead-letter topic instead of being decoded
 * @param finishedRetention   how long an ended conversation is remembered, so duplicates of its request or
 *                            late results are recognised and ignored
 * @param timerInterval       the longest wait between two looks at the timers (deadlines, tool timeouts, purges):
 *                            they are looked at when the earliest one is due, so this is only a safety net
 * @param dlqValueCapBytes    dead letters keep at most this many bytes of an oversized value
 * @param commitPacing        after emitting a command someone waits for, the orchestrator asks for a commit at once
 *                            when the last commit carried a single such command or ended at least this long ago, else
 *                            once when this gap after that commit is over (see {@link CommitPacer}); 0 asks again as
 *                            soon as the last commit is over
 */
public record OrchestratorSettings(int maxInputRecordBytes, Duration finishedRetention, Duration timerInterval,
                                   int dlqValueCapBytes, Duration commitPacing) {

    public static final String MAX_INPUT_RECORD_BYTES = "agentrt.orchestrator.max.input.record.bytes";
    public static final String FINISHED_RETENTION_MS = "agentrt.orchestrator.finished.retention.ms";
    public static final String TIMER_INTERVAL_MS = "agentrt.orchestrator.timer.interval.ms";
    public static final String COMMIT_PACING_MS = "agentrt.orchestrator.commit.pacing.ms";

    public static final OrchestratorSettings DEFAULTS =
        new OrchestratorSettings(1024 * 1024, Duration.ofDays(1), Duration.ofSeconds(10), 64 * 1024, Duration.ofMillis(5));

    public OrchestratorSettings {
        if (maxInputRecordBytes < 1) throw new IllegalArgumentException(MAX_INPUT_RECORD_BYTES + " must be positive");
        if (finishedRetention.isNegative()) throw new IllegalArgumentException(FINISHED_RETENTION_MS + " must be >= 0");
        if (timerInterval.toMillis() < 1) throw new IllegalArgumentException(TIMER_INTERVAL_MS + " must be >= 1");
        if (commitPacing.isNegative()) throw new IllegalArgumentException(COMMIT_PACING_MS + " must be >= 0");
    }

    public static OrchestratorSettings fromConfig(Map<?, ?> config) {
        return new OrchestratorSettings(
            intValue(config, MAX_INPUT_RECORD_BYTES, DEFAULTS.maxInputRecordBytes()),
            Duration.ofMillis(longValue(config, FINISHED_RETENTION_MS, DEFAULTS.finishedRetention().toMillis())),
            Duration.ofMillis(longValue(config, TIMER_INTERVAL_MS, DEFAULTS.timerInterval().toMillis())),
            DEFAULTS.dlqValueCapBytes(),
            Duration.ofMillis(longValue(config, COMMIT_PACING_MS, DEFAULTS.commitPacing().toMillis())));
    }

    private static int intValue(Map<?, ?> config, String key, int fallback) {
        return (int) longValue(config, key, fallback);
    }

    private static long longValue(Map<?, ?> config, String key, long fallback) {
        Object v = config.get(key);
        if (v == null) return fallback;
        try {
            return Long.parseLong(v.toString().strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a number, got '" + v + "'", e);
        }
    }
}
