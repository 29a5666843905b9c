package dev.agentrt.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class OffsetTrackerTest {
    private static final TopicPartition P0 = new TopicPartition("inference", 0);
    private static final TopicPartition P1 = new TopicPartition("inference", 1);

    @Test
    void commitsPerPartitionOnlyTheContiguousPrefixOfFinishedRequests() {
        var t = new OffsetTracker();
        t.track(P0, 10);
        t.track(P0, 11);
        t.track(P0, 12);
        t.track(P1, 5);
        t.finish(P0, 11);
        t.finish(P0, 12);
        assertThat(t.committable()).as("10 still runs").isEqualTo(Map.of(P0, 10L, P1, 5L));
        t.committed(t.committable());
        assertThat(t.committable()).isEmpty();
        t.finish(P0, 10);
        assertThat(t.committable()).isEqualTo(Map.of(P0, 13L));
        t.committed(Map.of(P0, 13L));
        assertThat(t.inFlight()).isEqualTo(1);
        t.forget(List.of(P1));
        assertThat(t.inFlight()).isZero();
        assertThat(t.committable()).isEmpty();
    }

    @Test
    void rejectsOffsetsOutOfOrderOrNotInFlight() {
        var t = new OffsetTracker();
        t.track(P0, 3);
        assertThatThrownBy(() -> t.track(P0, 3)).hasMessageContaining("tracked after 3");
        assertThatThrownBy(() -> t.finish(P0, 4)).hasMessageContaining("not in flight");
    }
}
