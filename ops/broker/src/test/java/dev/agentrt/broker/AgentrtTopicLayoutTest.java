package dev.agentrt.broker;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AgentrtTopicLayoutTest {

    @Test
    void defaultLayoutNamesEveryTopicOfTheLoop() {
        AgentrtTopicLayout layout = AgentrtTopicLayout.defaults();

        assertThat(layout.names()).containsExactly(
                "agentrt.requests", "agentrt.inference", "agentrt.inference-results", "agentrt.tool-calls",
                "agentrt.tool-results", "agentrt.responses", "agentrt.transcript", "agentrt.deltas", "agentrt.dlq");
        assertThat(layout.partitions()).isEqualTo(3);
        assertThat(layout.requests()).isEqualTo("agentrt.requests");
        assertThat(layout.inferenceResults()).isEqualTo("agentrt.inference-results");
        assertThat(layout.dlq()).isEqualTo("agentrt.dlq");
    }

    @Test
    void newTopicsCarryPrefixAndPartitionsAndLeaveReplicationToTheCluster() {
        AgentrtTopicLayout layout = new AgentrtTopicLayout("staging_", 12);

        assertThat(layout.newTopics()).hasSize(AgentrtTopicLayout.SUFFIXES.size()).allSatisfy(topic -> {
            assertThat(topic.name()).startsWith("staging_");
            assertThat(topic.numPartitions()).isEqualTo(12);
            assertThat(topic.replicationFactor()).isEqualTo((short) -1); // -1: use the cluster default
        });
        assertThat(layout.newTopics().getFirst().name()).isEqualTo("staging_requests");
    }

    @Test
    void anEmptyPrefixIsAllowed() {
        assertThat(new AgentrtTopicLayout("", 1).toolCalls()).isEqualTo("tool-calls");
    }

    @Test
    void rejectsIllegalPrefixesAndPartitionCounts() {
        assertThatThrownBy(() -> new AgentrtTopicLayout("agent rt/", 3))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("agent rt/");
        assertThatThrownBy(() -> new AgentrtTopicLayout("x".repeat(240), 3))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("too long");
        assertThatThrownBy(() -> new AgentrtTopicLayout(null, 3)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new AgentrtTopicLayout("agentrt.", 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 1");
    }
}
