package dev.agentrt.serde;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentrt.avro.ToolCall;
import dev.agentrt.avro.testing.SampleRecords;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;
import org.junit.jupiter.api.Test;

class AvroSerializerTest {

  @Test
  void aRecordWithARequiredFieldUnsetIsRejectedNamingTypeAndTopic() {
    ToolCall broken = SampleRecords.toolCall();
    broken.setTenant(null);

    assertThatThrownBy(() -> AgentrtSerdes.toolCall().serializer().serialize("agentrt.tool-calls", broken))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("dev.agentrt.avro.ToolCall")
        .hasMessageContaining("'agentrt.tool-calls'")
        .hasMessageContaining("tenant");
  }

  @Test
  void aRecordOfAnotherTypeIsRejected() {
    @SuppressWarnings("unchecked")
    Serializer<SpecificRecord> raw = (Serializer<SpecificRecord>) (Serializer<?>) AgentrtSerdes.toolCall().serializer();

    assertThatThrownBy(() -> raw.serialize("agentrt.tool-calls", SampleRecords.toolResult()))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("dev.agentrt.avro.ToolResult")
        .hasMessageContaining("writes dev.agentrt.avro.ToolCall");
  }
}
