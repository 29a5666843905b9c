package dev.agentrt.tools.service;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The records of one partition between the committed offset and the consumer's position. Calls
 * finish in any order; only the contiguous prefix of finished records may be committed, so a
 * record still running is never skipped. Consumer thread only.
 */
final class PartitionProgress {

    private final TreeMap<Long, TrackedRecord> records = new TreeMap<>();

    void track(TrackedRecord record) {
        if (records.putIfAbsent(record.offset(), record) != null) {
            throw new IllegalStateException("offset " + record.offset() + " tracked twice");
        }
    }

    /** What finished records have not produced yet, in offset order. */
    List<ProducerRecord<byte[], byte[]>> takeOutput() {
        List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>();
        records.values().forEach(r -> out.addAll(r.takeOutput()));
        return out;
    }

    /**
     * Forgets the finished records at the head and answers the offset to commit after them (the
     * next record to read), or empty when the head is still running or nothing is tracked.
     */
    OptionalLong advance() {
        long next = -1;
        while (!records.isEmpty() && records.firstEntry().getValue().done()) {
            Map.Entry<Long, TrackedRecord> head = records.pollFirstEntry();
            next = head.getKey() + 1;
        }
        return next < 0 ? OptionalLong.empty() : OptionalLong.of(next);
    }

    boolean contains(TrackedRecord record) {
        return records.get(record.offset()) == record;
    }

    /** Records consumed and not yet committed (running or finished behind a running one). */
    int size() {
        return records.size();
    }

    long running() {
        return records.values().stream().filter(r -> !r.done()).count();
    }
}
