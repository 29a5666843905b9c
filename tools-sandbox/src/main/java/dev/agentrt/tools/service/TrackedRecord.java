package dev.agentrt.tools.service;

import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * One consumed tool-calls record and what it produces once its call is done (its result, or a
 * dead letter). Consumer thread only.
 */
final class TrackedRecord {

    private final long offset;
    private List<ProducerRecord<byte[], byte[]>> output;
    private boolean sent;

    TrackedRecord(long offset) {
        this.offset = offset;
    }

    long offset() {
        return offset;
    }

    void complete(ProducerRecord<byte[], byte[]> record) {
        if (output != null) {
            throw new IllegalStateException("record at offset " + offset + " completed twice");
        }
        output = List.of(record);
    }

    boolean done() {
        return output != null;
    }

    /** The records to produce, once: empty while running or after they were taken. */
    List<ProducerRecord<byte[], byte[]>> takeOutput() {
        if (output == null || sent) {
            return List.of();
        }
        sent = true;
        return output;
    }
}
