package dev.agentrt.worker;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;
import org.apache.kafka.common.TopicPartition;

/**
 * Which consumed offsets are finished, per partition, and how far each partition may be committed: up to the first
 * unfinished offset (the contiguous prefix of finished requests), never past a request still running.
 */
final class OffsetTracker {
    private static final class Partition {
        final TreeSet<Long> unfinished = new TreeSet<>();
        long highest = -1;
        long committed = -1;
    }

    private final Map<TopicPartition, Partition> partitions = new HashMap<>();

    void track(TopicPartition tp, long offset) {
        Partition p = partitions.computeIfAbsent(tp, k -> new Partition());
        if (offset <= p.highest) {
            throw new IllegalStateException("offset " + offset + " of " + tp + " tracked after " + p.highest);
        }
        p.unfinished.add(offset);
        p.highest = offset;
    }

    void finish(TopicPartition tp, long offset) {
        Partition p = partitions.get(tp);
        if (p == null || !p.unfinished.remove(offset)) {
            throw new IllegalStateException("offset " + offset + " of " + tp + " is not in flight");
        }
    }

    /** For each partition that moved on since the last commit, the offset to commit (the next one to read). */
    Map<TopicPartition, Long> committable() {
        Map<TopicPartition, Long> out = new HashMap<>();
        partitions.forEach((tp, p) -> {
            long next = p.unfinished.isEmpty() ? p.highest + 1 : p.unfinished.first();
            if (next > p.committed && p.highest >= 0) {
                out.put(tp, next);
            }
        });
        return out;
    }

    void committed(Map<TopicPartition, Long> offsets) {
        offsets.forEach((tp, next) -> {
            Partition p = partitions.get(tp);
            if (p != null) {
                p.committed = Math.max(p.committed, next);
            }
        });
    }

    void forget(Collection<TopicPartition> tps) {
        tps.forEach(partitions::remove);
    }

    void clear() {
        partitions.clear();
    }

    /** Requests consumed and not finished yet, over all partitions. */
    int inFlight() {
        int n = 0;
        for (Partition p : partitions.values()) {
            n += p.unfinished.size();
        }
        return n;
    }
}
