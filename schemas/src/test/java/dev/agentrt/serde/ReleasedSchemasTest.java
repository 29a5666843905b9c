package dev.agentrt.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.avro.SchemaNormalization;
import org.junit.jupiter.api.Test;

class ReleasedSchemasTest {

  /** Surefire runs in the module directory. */
  private static final Path RELEASED_DIR = Path.of("src/main/avro/released");

  private final ReleasedSchemas bundled = ReleasedSchemas.bundled();

  @Test
  void everyReleasedVersionIndexListsExactlyItsSchemaFiles() throws IOException {
    for (String version : bundled.versions()) {
      Path dir = RELEASED_DIR.resolve(version);
      List<String> indexed = Files.readAllLines(dir.resolve("index.txt")).stream()
          .map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).sorted().toList();
      List<String> onDisk;
      try (Stream<Path> files = Files.list(dir)) {
        onDisk = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".avsc")).sorted().toList();
      }
      assertThat(indexed).as("%s/index.txt vs the .avsc files beside it", version).isEqualTo(onDisk);
    }
  }

  @Test
  void eachReleasedFileDefinesTheTypeItIsNamedAfter() throws IOException {
    for (String version : bundled.versions()) {
      try (Stream<Path> files = Files.list(RELEASED_DIR.resolve(version))) {
        for (Path file : files.filter(p -> p.toString().endsWith(".avsc")).toList()) {
          String type = "dev.agentrt.avro." + file.getFileName().toString().replace(".avsc", "");
          assertThat(bundled.versionsOf(type)).as("%s in %s", type, version)
              .anySatisfy(v -> assertThat(v.version()).isEqualTo(version));
        }
      }
    }
  }

  @Test
  void versionOneHoldsEveryContractType() {
    assertThat(bundled.versions()).startsWith("v1");
    assertThat(bundled.typeNames()).hasSize(37).contains("dev.agentrt.avro.HarmonyMessage",
        "dev.agentrt.avro.ConversationSnapshot", "dev.agentrt.avro.PendingToolCall",
        "dev.agentrt.avro.ConversationRequest", "dev.agentrt.avro.DeadLetter", "dev.agentrt.avro.ToolResultStatus");
  }

  @Test
  void aSchemaIsFoundByItsFingerprint() {
    ReleasedSchemas.VersionedSchema toolCall = bundled.versionsOf("dev.agentrt.avro.ToolCall").getFirst();

    assertThat(toolCall.fingerprint()).isEqualTo(SchemaNormalization.parsingFingerprint64(toolCall.schema()));
    assertThat(bundled.byFingerprint(toolCall.fingerprint())).contains(toolCall);
    assertThat(bundled.byFingerprint(42L)).isEmpty();
  }

  @Test
  void aMissingRootIsAClearError() {
    assertThatThrownBy(() -> ReleasedSchemas.fromClasspath("no/such/root", getClass().getClassLoader()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("no/such/root/versions.txt");
  }
}
