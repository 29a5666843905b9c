package dev.agentrt.tools.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentrt.avro.ToolResult;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

class PartitionProgressTest {

    static ProducerRecord<byte[], byte[]> out(String value) {
        return new ProducerRecord<>("results", null, value.getBytes());
    }

    @Test
    void onlyTheContiguousPrefixOfFinishedRecordsIsCommitted() {
        var progress = new PartitionProgress();
        var r5 = new TrackedRecord(5);
        var r6 = new TrackedRecord(6);
        var r7 = new TrackedRecord(7);
        progress.track(r5);
        progress.track(r6);
        progress.track(r7);
        assertThat(progress.advance()).isEmpty();

        r7.complete(out("seven"));
        assertThat(progress.takeOutput()).extracting(r -> new String(r.value())).containsExactly("seven");
        assertThat(progress.advance()).as("5 and 6 still run").isEmpty();

        r5.complete(out("five"));
        assertThat(progress.takeOutput()).extracting(r -> new String(r.value())).containsExactly("five");
        assertThat(progress.advance()).hasValue(6);
        assertThat(progress.size()).isEqualTo(2);

        r6.complete(out("six"));
        assertThat(progress.takeOutput()).extracting(r -> new String(r.value())).containsExactly("six");
        assertThat(progress.advance()).hasValue(8);
        assertThat(progress.size()).isZero();
        assertThat(progress.takeOutput()).as("each output is produced once").isEmpty();
    }

    @Test
    void aRecordCompletesOnceAndIsTrackedOnce() {
        var progress = new PartitionProgress();
        var r = new TrackedRecord(1);
        progress.track(r);
        assertThatThrownBy(() -> progress.track(new TrackedRecord(1))).isInstanceOf(IllegalStateException.class);
        r.complete(out("a"));
        assertThatThrownBy(() -> r.complete(out("b"))).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void completedCallsForgetTheLeastRecentlyUsed() {
        var calls = new CompletedCalls(2);
        ToolResult a = new ToolResult();
        ToolResult b = new ToolResult();
        ToolResult c = new ToolResult();
        calls.put("a", a);
        calls.put("b", b);
        assertThat(calls.get("a")).isSameAs(a); // a is now the most recently used
        calls.put("c", c);
        assertThat(calls.size()).isEqualTo(2);
        assertThat(calls.get("b")).isNull();
        assertThat(calls.get("a")).isSameAs(a);
        assertThat(calls.get("c")).isSameAs(c);
    }
}
