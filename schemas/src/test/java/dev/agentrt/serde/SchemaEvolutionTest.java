package dev.agentrt.serde;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentrt.topics.AgentrtTopic;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.Incompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.specific.SpecificData;
import org.junit.jupiter.api.Test;

/**
 * Schema governance without a registry: every current schema must stay compatible in both directions
 * with every released snapshot (transitively full compatibility).
 *
 * <ul>
 *   <li>backward: the current reader reads records an old writer produced (upgraded consumers, old data);
 *   <li>forward: an old reader reads records the current writer produces (consumers not yet upgraded,
 *       once they are given the new writer schema).
 * </ul>
 */
class SchemaEvolutionTest {

  private final ReleasedSchemas released = ReleasedSchemas.bundled();

  @Test
  void everyCurrentSchemaIsFullyCompatibleWithEveryReleasedVersion() {
    List<String> problems = new ArrayList<>();
    for (String name : released.typeNames()) {
      Schema current = currentSchema(name);
      if (current == null) {
        problems.add(name + ": released but no longer generated; removing a released type breaks its readers");
        continue;
      }
      for (ReleasedSchemas.VersionedSchema old : released.versionsOf(name)) {
        problems.addAll(CompatibilityCheck.problems(name, old.version(), current, old.schema()));
      }
    }
    assertThat(problems).as("schema evolution problems").isEmpty();
  }

  @Test
  void everyTopicTypeIsReleasedSoDecodersKnowItsWriters() {
    for (AgentrtTopic topic : AgentrtTopic.values()) {
      assertThat(released.versionsOf(topic.valueType().getName()))
          .as("released versions of %s (topic %s)", topic.valueType().getSimpleName(), topic.suffix())
          .isNotEmpty();
    }
  }

  @Test
  void aFieldAddedWithoutDefaultIsCaughtAsBackwardIncompatible() {
    Schema old = currentSchema("dev.agentrt.avro.ToolCall");
    Schema breaking = withExtraField(old, "{\"name\":\"priority\",\"type\":\"int\",\"doc\":\"x\"}");

    List<String> problems = CompatibilityCheck.problems("dev.agentrt.avro.ToolCall", "v1", breaking, old);

    assertThat(problems).singleElement().asString()
        .startsWith("dev.agentrt.avro.ToolCall: current reader cannot read v1 writer (backward)")
        .contains("READER_FIELD_MISSING_DEFAULT_VALUE")
        .contains("priority");
  }

  @Test
  void aRequiredFieldRemovedIsCaughtAsForwardIncompatible() {
    Schema old = withExtraField(currentSchema("dev.agentrt.avro.ToolCall"),
        "{\"name\":\"legacyQueue\",\"type\":\"string\",\"doc\":\"x\"}");
    Schema current = currentSchema("dev.agentrt.avro.ToolCall");

    List<String> problems = CompatibilityCheck.problems("dev.agentrt.avro.ToolCall", "v1", current, old);

    assertThat(problems).singleElement().asString()
        .contains("v1 reader cannot read current writer (forward)")
        .contains("legacyQueue");
  }

  @Test
  void aFieldAddedWithADefaultIsAccepted() {
    Schema old = currentSchema("dev.agentrt.avro.ToolCall");
    Schema evolved = withExtraField(old,
        "{\"name\":\"priority\",\"type\":[\"null\",\"int\"],\"default\":null,\"doc\":\"x\"}");

    assertThat(CompatibilityCheck.problems("dev.agentrt.avro.ToolCall", "v1", evolved, old)).isEmpty();
  }

  @Test
  void anEnumSymbolAddedIsAcceptedBecauseOldReadersFallBackToTheDefault() {
    Schema old = currentSchema("dev.agentrt.avro.ConversationStatus");
    Schema evolved = new Schema.Parser().parse(old.toString().replace("\"CANCELLED\"", "\"CANCELLED\",\"PAUSED\""));

    assertThat(evolved.getEnumSymbols()).contains("PAUSED");
    assertThat(CompatibilityCheck.problems("dev.agentrt.avro.ConversationStatus", "v1", evolved, old)).isEmpty();
  }

  private static Schema currentSchema(String fullName) {
    try {
      return SpecificData.get().getSchema(Class.forName(fullName));
    } catch (ClassNotFoundException e) {
      return null;
    }
  }

  private static Schema withExtraField(Schema record, String fieldJson) {
    String json = record.toString();
    int end = json.lastIndexOf("]}");
    return new Schema.Parser().parse(json.substring(0, end) + "," + fieldJson + "]}");
  }

  /** Both-direction compatibility of one current schema against one released version, as readable lines. */
  static final class CompatibilityCheck {

    static List<String> problems(String name, String version, Schema current, Schema released) {
      List<String> problems = new ArrayList<>();
      describe(problems, name + ": current reader cannot read " + version + " writer (backward)",
          SchemaCompatibility.checkReaderWriterCompatibility(current, released));
      describe(problems, name + ": " + version + " reader cannot read current writer (forward)",
          SchemaCompatibility.checkReaderWriterCompatibility(released, current));
      return problems;
    }

    private static void describe(List<String> problems, String what,
        SchemaCompatibility.SchemaPairCompatibility result) {
      if (result.getType() == SchemaCompatibilityType.COMPATIBLE) {
        return;
      }
      StringBuilder line = new StringBuilder(what);
      for (Incompatibility i : result.getResult().getIncompatibilities()) {
        line.append("\n    ").append(i.getType()).append(" at ").append(i.getLocation()).append(": ")
            .append(i.getMessage());
      }
      problems.add(line.toString());
    }
  }
}
