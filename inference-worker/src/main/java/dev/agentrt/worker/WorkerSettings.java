package dev.agentrt.worker;

import java.util.Objects;

/**
 * How a worker instance runs.
 *
 * @param workerId      this instance's id: in every result, and in the producer's {@code transactional.id}
 * @param groupId       consumer group of the workers
 * @param decoder       batch size and context length
 * @param maxQueued     requests held beyond the running batch before the partitions are paused
 * @param kvCacheBytes  memory the KV caches kept between turns may hold
 */
public record WorkerSettings(String workerId, String groupId, DecoderSettings decoder, int maxQueued, long kvCacheBytes) {
    public WorkerSettings {
        Objects.requireNonNull(workerId, "workerId");
        Objects.requireNonNull(groupId, "groupId");
        Objects.requireNonNull(decoder, "decoder");
        if (workerId.isBlank() || groupId.isBlank()) {
            throw new IllegalArgumentException("worker id and group id must not be blank");
        }
        if (maxQueued < 0) {
            throw new IllegalArgumentException("max queued must be >= 0, got " + maxQueued);
        }
        if (kvCacheBytes < 0) {
            throw new IllegalArgumentException("the KV cache budget must be >= 0 bytes, got " + kvCacheBytes);
        }
    }

    /** Requests in flight (running and queued) at which consumption pauses. */
    int capacity() {
        return decoder.maxBatch() + maxQueued;
    }
}
