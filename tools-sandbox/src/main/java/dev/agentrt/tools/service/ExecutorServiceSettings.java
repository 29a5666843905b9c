package dev.agentrt.tools.service;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings of the tool executor service.
 *
 * @param executorId       names this instance in results and in its transactional id; unique per running executor
 * @param workers          concurrent calls (the sandbox's slot count)
 * @param completedCalls   how many completed call ids (with their results) are kept to answer redeliveries
 * @param pollTimeout      longest wait of one poll when nothing finishes (a finished call wakes the poll at once)
 * @param closeGrace       how long close() lets running calls finish before giving them up
 * @param maxQueued        calls accepted beyond the running ones (they wait for a worker, in offset order) before
 *                         consumption pauses; {@code workers + maxQueued} is also the consumer's max.poll.records, so
 *                         one poll and one transaction take a whole batch of calls
 */
public record ExecutorServiceSettings(String executorId, int workers, int completedCalls, Duration pollTimeout,
                                      Duration closeGrace, int maxQueued) {

    /** Calls queued behind the running ones by default. */
    public static final int DEFAULT_MAX_QUEUED = 256;

    public ExecutorServiceSettings {
        Objects.requireNonNull(executorId, "executorId");
        if (!executorId.matches("[A-Za-z0-9._\\-]{1,100}")) {
            throw new IllegalArgumentException("executorId must match [A-Za-z0-9._-]{1,100}: " + executorId);
        }
        if (workers < 1 || workers > 256) {
            throw new IllegalArgumentException("workers must be in [1, 256]: " + workers);
        }
        if (completedCalls < 1) {
            throw new IllegalArgumentException("completedCalls must be at least 1: " + completedCalls);
        }
        if (pollTimeout.isNegative() || pollTimeout.isZero() || pollTimeout.toMillis() > 1000) {
            throw new IllegalArgumentException("pollTimeout must be in (0, 1 s]: " + pollTimeout);
        }
        if (closeGrace.isNegative()) {
            throw new IllegalArgumentException("closeGrace must not be negative: " + closeGrace);
        }
        if (maxQueued < 0 || maxQueued > 10_000) {
            throw new IllegalArgumentException("maxQueued must be in [0, 10000]: " + maxQueued);
        }
    }

    /** With {@link #DEFAULT_MAX_QUEUED} calls queued behind the running ones. */
    public ExecutorServiceSettings(String executorId, int workers, int completedCalls, Duration pollTimeout,
                                   Duration closeGrace) {
        this(executorId, workers, completedCalls, pollTimeout, closeGrace, DEFAULT_MAX_QUEUED);
    }

    /** Calls in flight (running and queued) at which consumption pauses; also the consumer's max.poll.records. */
    public int capacity() {
        return workers + maxQueued;
    }

    /** 10,000 remembered calls, 50 ms polls, 30 s to finish running calls on close, 256 calls queued. */
    public static ExecutorServiceSettings defaults(String executorId, int workers) {
        return new ExecutorServiceSettings(executorId, workers, 10_000, Duration.ofMillis(50), Duration.ofSeconds(30),
                DEFAULT_MAX_QUEUED);
    }
}
