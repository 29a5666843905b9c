package dev.agentrt.serde;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentrt.avro.ToolCall;
import dev.agentrt.avro.testing.SampleRecords;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.api.Test;

/**
 * The test JVM trusts {@code dev.agentrt.avro} through a system property, which would hide a missing
 * programmatic trust. So these tests start a JVM without the flag and decode there.
 */
class TrustedAvroPackagesTest {

  @Test
  void onlyTheGeneratedPackageIsTrusted() {
    assertThat(TrustedAvroPackages.GENERATED_CLASSES.isTrusted(ToolCall.class)).isTrue();
    assertThat(TrustedAvroPackages.GENERATED_CLASSES.isTrusted(ToolCall.Builder.class)).isTrue();
    assertThat(TrustedAvroPackages.GENERATED_CLASSES.isTrusted(SampleRecords.class)).isFalse();
    assertThat(TrustedAvroPackages.GENERATED_CLASSES.isTrusted(ProcessBuilder.class)).isFalse();
  }

  @Test
  void withoutTheFlagPlainAvroRefusesOurClassesButTheSerdesDecode() throws Exception {
    assertThat(runWithoutFlag("plain")).contains("FORBIDDEN").contains("dev.agentrt.avro");
    assertThat(runWithoutFlag("serde")).contains("DECODED " + SampleRecords.CONVERSATION_ID + "/1/1");
  }

  private static String runWithoutFlag(String mode) throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process process = new ProcessBuilder(List.of(java.toString(), "-Xmx128m", "-XX:TieredStopAtLevel=1",
        "-cp", System.getProperty("java.class.path"), Child.class.getName(), mode))
        .redirectErrorStream(true)
        .start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("child JVM finished").isTrue();
    assertThat(process.exitValue()).as("child output:%n%s", output).isZero();
    return output;
  }

  /** Runs in the flag-less JVM. */
  public static final class Child {

    public static void main(String[] args) throws Exception {
      if (System.getProperty("org.apache.avro.SERIALIZABLE_PACKAGES") != null) {
        throw new IllegalStateException("the child JVM must run without the trust flag");
      }
      ToolCall call = SampleRecords.toolCall();
      if (args[0].equals("plain")) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new SpecificDatumWriter<>(ToolCall.class).write(call, encoder);
        encoder.flush();
        try {
          new SpecificDatumReader<>(ToolCall.class)
              .read(null, DecoderFactory.get().binaryDecoder(out.toByteArray(), null));
          System.out.println("DECODED without trust (unexpected)");
        } catch (SecurityException e) {
          System.out.println("FORBIDDEN " + e.getMessage());
        }
      } else {
        byte[] bytes = AgentrtSerdes.toolCall().serializer().serialize("agentrt.tool-calls", call);
        ToolCall back = AgentrtSerdes.toolCall().deserializer().deserialize("agentrt.tool-calls", bytes);
        System.out.println("DECODED " + back.getCallId());
      }
    }
  }
}
