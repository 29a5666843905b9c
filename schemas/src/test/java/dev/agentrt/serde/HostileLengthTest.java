package dev.agentrt.serde;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentrt.avro.TokenDelta;
import dev.agentrt.avro.ToolCall;
import dev.agentrt.avro.testing.SampleRecords;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

/**
 * A corrupt or hostile body can claim a string far longer than the record. The decoder must fail on the
 * claim, not allocate it: the test JVM has a 512 MiB heap and the claim is about 1 GiB.
 */
class HostileLengthTest {

  @Test
  void aStringLengthBeyondTheRecordFailsWithoutAllocatingIt() {
    byte[] valid = AgentrtSerdes.toolCall().serializer().serialize("t", SampleRecords.toolCall());
    // The body starts with callId: a zig-zag varint length. 1 GiB = 2^30 → zig-zag 2^31.
    byte[] claim = {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x08};
    byte[] hostile = Arrays.copyOf(valid, 10 + claim.length + 16);
    System.arraycopy(claim, 0, hostile, 10, claim.length);

    assertThatThrownBy(() -> AgentrtSerdes.toolCall().deserializer().deserialize("agentrt.tool-calls", hostile))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining(ToolCall.class.getName())
        .hasMessageContaining("body truncated or corrupt");
  }

  @Test
  void anArrayLengthBeyondTheRecordFailsWithoutAllocatingIt() {
    TokenDelta delta = SampleRecords.tokenDelta();
    delta.setTokenIds(List.of());
    byte[] valid = AgentrtSerdes.tokenDelta().serializer().serialize("t", delta);
    // tokenIds is the second-to-last field; an empty array is the single byte 0 just before emittedAt.
    int emittedAtLength = varintLength(delta.getEmittedAt().toEpochMilli());
    int countAt = valid.length - emittedAtLength - 1;
    byte[] claim = {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x08}; // 2^30 items
    byte[] hostile = new byte[valid.length + claim.length - 1];
    System.arraycopy(valid, 0, hostile, 0, countAt);
    System.arraycopy(claim, 0, hostile, countAt, claim.length);
    System.arraycopy(valid, countAt + 1, hostile, countAt + claim.length, emittedAtLength);

    assertThatThrownBy(() -> AgentrtSerdes.tokenDelta().deserializer().deserialize("agentrt.deltas", hostile))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining(TokenDelta.class.getName())
        .hasMessageContaining("body truncated or corrupt");
  }

  private static int varintLength(long value) {
    long zigzag = (value << 1) ^ (value >> 63);
    int bytes = 1;
    while ((zigzag >>>= 7) != 0) {
      bytes++;
    }
    return bytes;
  }
}
