package dev.agentrt.orchestrator;

import java.time.Duration;

/**
 * When the orchestrator asks Kafka Streams to commit. A worker, the tool executor or a client waits for each
 * inference request, tool call and response the orchestrator emits, and under exactly-once they see it only once
 * the transaction commits; Kafka Streams alone would commit at its next commit interval.
 *
 * <p>The rule is a group commit: when the last commit carried a single awaited command (one conversation moving on
 * its own) or ended at least {@code gap} ago (counted from its end, as Kafka Streams counts its commit interval),
 * ask at once; otherwise ask once, {@code gap} after that end, for everything emitted meanwhile. A lone
 * conversation so never waits, and under load a transaction still carries everything processed in {@code gap}
 * plus the commit's own time.
 *
 * <p>Kafka Streams says nothing when a commit ends. The caller observes it: after asking, it schedules a 1 ms
 * wall-clock punctuation, which runs on the stream thread's next pass after the commit (a commit runs between
 * passes), and reports it with {@link #onCommitObserved}. Output emitted after the ask but before that report may
 * have missed the commit, so it gets a deferred ask.
 *
 * <p>Kafka-free: times are {@link System#nanoTime()} values; the caller asks and schedules. The return value of
 * each event is what to do: {@link #ASK_NOW}, {@link #NOTHING}, or a positive delay in nanoseconds after which
 * to call {@link #onDeferredDue}. The owner that is told to ask or schedule must report back; one pacer serves one
 * stream thread (a commit under exactly-once v2 covers all of the thread's tasks). Not thread-safe.
 */
final class CommitPacer {

    static final long ASK_NOW = 0;
    static final long NOTHING = -1;

    private enum Phase { IDLE, ASKED, DEFERRED }

    private final long gapNanos;
    private Phase phase = Phase.IDLE;
    private Object owner;
    private boolean committedOnce;
    private long committedAt;
    private boolean outputSinceAsk;
    /** Awaited commands since the last ask (counting those that led to it), and in the last observed commit. */
    private int outputsInBatch;
    private int outputsInLastCommit;

    CommitPacer(Duration gap) {
        if (gap.isNegative()) throw new IllegalArgumentException("commit pacing gap must be >= 0, got " + gap);
        this.gapNanos = gap.toNanos();
    }

    /** {@code by} emitted a command someone waits for. */
    long onAwaitedOutput(long now, Object by) {
        outputsInBatch++;
        return switch (phase) {
            case ASKED -> {
                outputSinceAsk = true;
                yield NOTHING;
            }
            case DEFERRED -> NOTHING;
            case IDLE -> askOrDefer(now, by);
        };
    }

    /** The punctuation {@code by} scheduled after asking ran: the commit it asked for is over. */
    long onCommitObserved(long now, Object by) {
        if (phase != Phase.ASKED || owner != by) return NOTHING;
        phase = Phase.IDLE;
        committedOnce = true;
        committedAt = now;
        outputsInLastCommit = outputsInBatch;
        outputsInBatch = 0;
        if (!outputSinceAsk) return NOTHING;
        // Emitted after the ask: perhaps after the commit too. It belongs to the next batch.
        outputsInBatch = 1;
        return askOrDefer(now, by);
    }

    private long askOrDefer(long now, Object by) {
        owner = by;
        boolean batching = committedOnce && outputsInLastCommit > 1;
        long wait = batching ? committedAt + gapNanos - now : 0;
        if (wait <= 0) return ask();
        phase = Phase.DEFERRED;
        return wait;
    }

    /** The deferred ask of {@code by} is due. */
    long onDeferredDue(long now, Object by) {
        if (phase != Phase.DEFERRED || owner != by) return NOTHING;
        return ask();
    }

    /** {@code by} goes away (its task closed) with its punctuation not run: do not wait for it. */
    void forget(Object by) {
        if (owner == by) {
            phase = Phase.IDLE;
            owner = null;
        }
    }

    private long ask() {
        phase = Phase.ASKED;
        outputSinceAsk = false;
        return ASK_NOW;
    }
}
