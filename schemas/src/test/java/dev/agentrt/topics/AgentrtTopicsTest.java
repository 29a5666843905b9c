package dev.agentrt.topics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;

class AgentrtTopicsTest {

  @Test
  void defaultNamesUseTheAgentrtPrefix() {
    AgentrtTopics topics = AgentrtTopics.defaults();

    assertThat(topics.allNames()).containsExactly("agentrt.requests", "agentrt.inference",
        "agentrt.inference-results", "agentrt.tool-calls", "agentrt.tool-results", "agentrt.responses",
        "agentrt.transcript", "agentrt.deltas", "agentrt.dlq");
    assertThat(topics.requests()).isEqualTo("agentrt.requests");
    assertThat(topics.inference()).isEqualTo("agentrt.inference");
    assertThat(topics.inferenceResults()).isEqualTo("agentrt.inference-results");
    assertThat(topics.toolCalls()).isEqualTo("agentrt.tool-calls");
    assertThat(topics.toolResults()).isEqualTo("agentrt.tool-results");
    assertThat(topics.responses()).isEqualTo("agentrt.responses");
    assertThat(topics.transcript()).isEqualTo("agentrt.transcript");
    assertThat(topics.deltas()).isEqualTo("agentrt.deltas");
    assertThat(topics.dlq()).isEqualTo("agentrt.dlq");
    assertThat(topics.partitions()).isEqualTo(AgentrtTopics.DEFAULT_PARTITIONS);
    assertThat(topics.replicationFactor()).isEmpty();
  }

  @Test
  void prefixPartitionsAndReplicationComeFromConfiguration() {
    Properties config = new Properties();
    config.setProperty("agentrt.topic.prefix", "staging.tenant-a.");
    config.setProperty("agentrt.topic.partitions", " 12 ");
    config.setProperty("agentrt.topic.replication.factor", "3");
    config.setProperty("bootstrap.servers", "ignored:9092");

    AgentrtTopics topics = AgentrtTopics.fromConfig(config);

    assertThat(topics.toolCalls()).isEqualTo("staging.tenant-a.tool-calls");
    assertThat(topics.topicOf("staging.tenant-a.dlq")).contains(AgentrtTopic.DLQ);
    assertThat(topics.topicOf("agentrt.dlq")).isEmpty();
    assertThat(topics.newTopics()).hasSize(AgentrtTopic.values().length).allSatisfy(t -> {
      assertThat(t.name()).startsWith("staging.tenant-a.");
      assertThat(t.numPartitions()).isEqualTo(12);
      assertThat(t.replicationFactor()).isEqualTo((short) 3);
    });
  }

  @Test
  void withoutAReplicationFactorTheBrokerDefaultIsUsed() {
    NewTopic topic = AgentrtTopics.of("x.", 2).newTopics().getFirst();

    assertThat(topic.name()).isEqualTo("x.requests");
    assertThat(topic.numPartitions()).isEqualTo(2);
    assertThat(topic.replicationFactor()).isEqualTo((short) -1); // NewTopic's "broker default"
  }

  @Test
  void anEmptyConfigurationGivesTheDefaults() {
    assertThat(AgentrtTopics.fromConfig(Map.of()).allNames()).isEqualTo(AgentrtTopics.defaults().allNames());
  }

  @Test
  void badValuesAreRejectedNamingTheKey() {
    assertThatThrownBy(() -> AgentrtTopics.fromConfig(Map.of("agentrt.topic.partitions", "many")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("agentrt.topic.partitions must be a number, got 'many'");
    assertThatThrownBy(() -> AgentrtTopics.of("agentrt.", 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("agentrt.topic.partitions must be at least 1, got 0");
    assertThatThrownBy(() -> AgentrtTopics.of("agentrt.", 3, (short) 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("agentrt.topic.replication.factor must be at least 1");
    assertThatThrownBy(() -> AgentrtTopics.of("my topics/", 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("agentrt.topic.prefix 'my topics/' may only contain");
    assertThatThrownBy(() -> AgentrtTopics.of("p".repeat(245), 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("too long");
  }

  @Test
  void everyTopicNamesItsValueType() {
    assertThat(AgentrtTopic.TOOL_CALLS.valueType()).isEqualTo(dev.agentrt.avro.ToolCall.class);
    assertThat(AgentrtTopic.DLQ.valueType()).isEqualTo(dev.agentrt.avro.DeadLetter.class);
    assertThat(Optional.of(AgentrtTopic.valueOf("INFERENCE_RESULTS").suffix())).contains("inference-results");
  }
}
