package dev.agentrt.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.agentrt.avro.SandboxTier;
import dev.agentrt.avro.ToolResult;
import dev.agentrt.avro.ToolResultStatus;
import dev.agentrt.avro.testing.SampleRecords;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;

class AvroSerdeProperties {

  @Property(tries = 300)
  void anyToolResultRoundTrips(@ForAll String output, @ForAll String recipient, @ForAll ToolResultStatus status,
      @ForAll SandboxTier tier, @ForAll long wallMs, @ForAll Integer exitCode) {
    ToolResult result = SampleRecords.toolResult();
    result.setOutput(output);
    result.setRecipient(recipient);
    result.setStatus(status);
    result.setError(status == ToolResultStatus.OK ? null : output);
    result.getResources().setSandboxTier(tier);
    result.getResources().setWallMs(wallMs);
    result.getResources().setExitCode(exitCode);

    byte[] bytes = AgentrtSerdes.toolResult().serializer().serialize("t", result);

    assertThat(AgentrtSerdes.toolResult().deserializer().deserialize("t", bytes)).isEqualTo(result);
  }

  /** Whatever a corrupted record looks like, the only failure a consumer sees is SerializationException. */
  @Property(tries = 1000)
  void corruptedRecordsDecodeOrFailWithSerializationException(
      @ForAll("samples") SpecificRecord sample, @ForAll @Size(min = 1, max = 4) List<@IntRange(min = 0, max = 10_000) Integer> positions,
      @ForAll byte replacement, @ForAll @IntRange(min = 0, max = 64) int cut) {
    @SuppressWarnings("unchecked")
    AvroSerde<SpecificRecord> serde = (AvroSerde<SpecificRecord>) AgentrtSerdes.of(sample.getClass());
    byte[] bytes = serde.serializer().serialize("t", sample);
    for (int position : positions) {
      bytes[position % bytes.length] = replacement;
    }
    byte[] corrupted = java.util.Arrays.copyOf(bytes, Math.max(0, bytes.length - cut));

    Throwable thrown = catchThrowable(() -> serde.deserializer().deserialize("t", corrupted));

    if (thrown != null) {
      assertThat(thrown).isInstanceOf(SerializationException.class)
          .hasMessageStartingWith("Cannot deserialize " + sample.getClass().getName() + " from topic 't': ");
    }
  }

  @Provide
  Arbitrary<SpecificRecord> samples() {
    return Arbitraries.of(SampleRecords.oneOfEachTopicType());
  }
}
